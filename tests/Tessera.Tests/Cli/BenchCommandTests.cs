using System.Text.Json;
using Tessera.Cli.Bench;
using Tessera.Cli.Commands;

namespace Tessera.Tests.Cli;

/// <summary>The benchmark suite is not timed here: each workload runs one iteration and must report finite numbers.</summary>
public class BenchCommandTests
{
    [Fact]
    public void EveryWorkloadOfWorkloadsMdIsListedByName()
    {
        string[] expected =
        [
            "gemm_512", "gemm_1024", "gemm_4096x1024x256", "mlp_784_512_256_10_b128_train", "lenet5_b64_train",
            "conv3x3_64_64_32x32_b32_train", "conv_transpose_64_32_k4s2_b16_train", "resnet_basicblock_64_32x32_b16_train",
            "depthwise_separable_64_128_32x32_b32_train", "batchnorm2d_64_32x32_b32_train", "maxpool2x2_64_32x32_b32_train",
            "lstm_64_256_t50_b32_train", "gru_64_256_t50_b32_train", "lstm_16_32_t100_b1_infer", "mha_256_h8_l128_b16_train",
            "transformer_encoder_256_h8_ff1024_l128_b16_train", "embedding_softmax_v10000_d128_b256_train", "resnet18_64x64_b8_infer",
        ];
        Assert.Equal(expected, Workloads.All.Where(w => w.Group == "workload").Select(w => w.Name));
    }

    [Fact]
    public void EachImplementedWorkloadRunsOnceWithFiniteFigures()
    {
        var sw = new StringWriter();
        Assert.Equal(0, BenchCommand.Run("", json: true, minTime: 0, micro: true, once: true, sw));
        var lines = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int implemented = Workloads.All.Count(w => w.Build != null);
        Assert.Equal(implemented, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            Assert.True(double.IsFinite(r.GetProperty("ms").GetDouble()) && r.GetProperty("ms").GetDouble() > 0, line);
            Assert.True(double.IsFinite(r.GetProperty("rate").GetDouble()), line);
            Assert.Contains(r.GetProperty("unit").GetString(), new[] { "GFLOP/s", "it/s" });
        }
    }
}
