using Tessera.Models;
using Tessera.NN;

namespace Tessera.Tests.Models;

/// <summary>ARCHITECTURE.md: a model is safe to run inference on from several threads at once.</summary>
public class ThreadSafetyTests
{
    [Theory]
    [InlineData("lenet5")]
    [InlineData("resnet8")]
    public void ConcurrentInferenceMatchesSequential(string name)
    {
        Generator.ManualSeed(1);
        var model = ModelZoo.Create(name);
        model.Eval();
        var inputs = Enumerable.Range(0, 8).Select(i => Tensor.Randn([3, 1, 28, 28], new Generator((ulong)i))).ToArray();
        float[][] expected;
        using (GradMode.NoGrad()) expected = inputs.Select(x => model.Forward(x).ToArray()).ToArray();
        var actual = new float[inputs.Length][];
        Parallel.For(0, inputs.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            using var _ = GradMode.NoGrad();
            var y = model.Forward(inputs[k % inputs.Length]).ToArray();
            lock (actual) actual[k % inputs.Length] ??= y;
            Assert.Equal(expected[k % inputs.Length], y);
        });
    }

    [Fact]
    public void LstmInferenceIsThreadSafe()
    {
        var lstm = new LSTM(4, 8, numLayers: 2);
        lstm.Eval();
        var x = Tensor.Randn([12, 2, 4], new Generator(3));
        float[] expected;
        using (GradMode.NoGrad()) expected = lstm.Forward(x).ToArray();
        Parallel.For(0, 16, _ =>
        {
            using var __ = GradMode.NoGrad();
            Assert.Equal(expected, lstm.Forward(x).ToArray());
        });
    }
}
