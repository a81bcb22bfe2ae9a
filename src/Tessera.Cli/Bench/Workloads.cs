using Tessera.Kernels;
using Tessera.NN;
using Tessera.Optim;

namespace Tessera.Cli.Bench;

/// <summary>The workloads of shared/bench/WORKLOADS.md under exactly those names, and kernel micro-benchmarks.</summary>
public static class Workloads
{
    public static IReadOnlyList<Workload> All { get; } =
    [
        new("gemm_512", () => Gemm(512, 512, 512), 2.0 * 512 * 512 * 512),
        new("gemm_1024", () => Gemm(1024, 1024, 1024), 2.0 * 1024 * 1024 * 1024),
        new("gemm_4096x1024x256", () => Gemm(4096, 1024, 256), 2.0 * 4096 * 1024 * 256),
        new("mlp_784_512_256_10_b128_train", Mlp),
        new("lenet5_b64_train", LeNet),
        new("conv3x3_64_64_32x32_b32_train", () => ConvTrain(new Conv2d(64, 64, 3, padding: 1), [32, 64, 32, 32])),
        new("conv_transpose_64_32_k4s2_b16_train", () => ConvTrain(new ConvTranspose2d(64, 32, 4, stride: 2, padding: 1), [16, 64, 16, 16])),
        new("resnet_basicblock_64_32x32_b16_train", () => ConvTrain(new BasicBlock(64, 64), [16, 64, 32, 32])),
        new("depthwise_separable_64_128_32x32_b32_train", () => ConvTrain(new Sequential(new Conv2d(64, 64, 3, padding: 1, groups: 64), new Conv2d(64, 128, 1)), [32, 64, 32, 32])),
        new("batchnorm2d_64_32x32_b32_train", () => ConvTrain(new BatchNorm2d(64), [32, 64, 32, 32])),
        new("maxpool2x2_64_32x32_b32_train", MaxPool),
        new("lstm_64_256_t50_b32_train", () => ConvTrain(new LSTM(64, 256), [50, 32, 64])),
        new("gru_64_256_t50_b32_train", () => ConvTrain(new GRU(64, 256), [50, 32, 64])),
        new("lstm_16_32_t100_b1_infer", LstmInfer),
        new("mha_256_h8_l128_b16_train", () => ConvTrain(new MultiheadAttention(256, 8, batchFirst: true), [16, 128, 256])),
        new("transformer_encoder_256_h8_ff1024_l128_b16_train", () => ConvTrain(new TransformerEncoderLayer(256, 8, 1024, 0f, batchFirst: true), [16, 128, 256])),
        new("embedding_softmax_v10000_d128_b256_train", EmbeddingSoftmax),
        new("resnet18_64x64_b8_infer", ResNet18Infer),
        // Kernel micro-benchmarks for developers tuning kernels (not in WORKLOADS.md).
        new("micro_gemm_skinny_32x1024x1024", () => Gemm(32, 1024, 1024), 2.0 * 32 * 1024 * 1024, "micro"),
        new("micro_gemm_tn_1024x256x4096", () => GemmTransposed(1024, 256, 4096), 2.0 * 1024 * 256 * 4096, "micro"),
        new("micro_gemm_small_64", () => Gemm(64, 64, 64), 2.0 * 64 * 64 * 64, "micro"),
        new("micro_softmax_256x10000", Softmax, null, "micro"),
        new("micro_add_broadcast_32x64x32x32", AddBroadcast, null, "micro"),
        new("micro_relu_2M", Relu, null, "micro"),
    ];

    private static Action Gemm(int m, int n, int k)
    {
        var g = new Generator(1);
        var a = Tensor.Randn([m, k], g).Data.ToArray(); var b = Tensor.Randn([k, n], g).Data.ToArray(); var c = new float[m * n];
        return () => Tessera.Kernels.Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
    }

    private static Action GemmTransposed(int m, int n, int k)
    {
        var g = new Generator(1);
        var a = Tensor.Randn([k, m], g).Data.ToArray(); var b = Tensor.Randn([k, n], g).Data.ToArray(); var c = new float[m * n];
        return () => Tessera.Kernels.Gemm.Multiply(true, false, m, n, k, 1f, a, m, b, n, 0f, c, n);
    }

    /// <summary>A _train iteration: zero the gradients, forward, loss, backward, SGD step (lr 0.01); the batch is made once.</summary>
    public static Action TrainStep(Module model, Func<Tensor> loss)
    {
        var opt = new SGD(model.Parameters(), 0.01);
        return () => { opt.ZeroGrad(); loss().Backward(); opt.Step(); };
    }

    private static Action Mlp()
    {
        Generator.ManualSeed(0);
        var model = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 256), new ReLU(), new Linear(256, 10));
        var x = Tensor.Randn([128, 784]); var y = Tensor.RandInt(10, [128]);
        return TrainStep(model, () => F.CrossEntropy(model.Forward(x), y));
    }

    private static Action LeNet()
    {
        Generator.ManualSeed(0);
        var model = Tessera.Models.ModelZoo.LeNet5(10);
        var x = Tensor.Randn([64, 1, 28, 28]); var y = Tensor.RandInt(10, [64]);
        return TrainStep(model, () => F.CrossEntropy(model.Forward(x), y));
    }

    /// <summary>A layer trained on loss mean(y²) of a standard-normal input that needs no gradient.</summary>
    private static Action ConvTrain(Module model, int[] shape)
    {
        Generator.ManualSeed(0);
        var x = Tensor.Randn(shape);
        return TrainStep(model, () => F.Mean(F.Square(model.Forward(x))));
    }

    private static Action MaxPool()
    {
        var pool = new MaxPool2d(2);
        var x = Tensor.Randn([32, 64, 32, 32]).RequiresGrad_();
        return () => { x.Grad = null; F.Mean(F.Square(pool.Forward(x))).Backward(); };
    }

    private static Action LstmInfer()
    {
        Generator.ManualSeed(0);
        var model = new LSTM(16, 32);
        model.Eval();
        var x = Tensor.Randn([100, 1, 16]);
        return () => { using var _ = GradMode.NoGrad(); model.Forward(x); };
    }

    private static Action ResNet18Infer()
    {
        Generator.ManualSeed(0);
        var model = Tessera.Models.ResNet.ResNet18(10);
        model.Eval();
        var x = Tensor.Randn([8, 3, 64, 64]);
        return () => { using var _ = GradMode.NoGrad(); model.Forward(x); };
    }

    private static Action EmbeddingSoftmax()
    {
        Generator.ManualSeed(0);
        var model = new Sequential(new Embedding(10000, 128), new Linear(128, 10000));
        var x = Tensor.RandInt(10000, [256]); var y = Tensor.RandInt(10000, [256]);
        return TrainStep(model, () => F.CrossEntropy(model.Forward(x), y));
    }

    private static Action Softmax()
    {
        var x = Tensor.Randn([256, 10000]);
        return () => F.Softmax(x, 1);
    }

    private static Action AddBroadcast()
    {
        var x = Tensor.Randn([32, 64, 32, 32]); var b = Tensor.Randn([1, 64, 1, 1]);
        return () => F.Add(x, b);
    }

    private static Action Relu()
    {
        var x = Tensor.Randn([2_000_000]);
        return () => F.Relu(x);
    }
}
