namespace Tessera.Tests.Functional;

/// <summary>Finite-difference gradient checks with random cotangents for every op of the fully connected family.</summary>
public class GradCheckTests
{
    private static Tensor R(int seed, params int[] shape) => GradCheck.AwayFromZero(shape, seed);
    private static Tensor Pos(int seed, params int[] shape) => F.Abs(R(seed, shape)).Detach() + 0.5f;

    public static TheoryData<string> Activations() => new()
    {
        "relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu", "gelu_tanh", "silu", "softplus", "softplus_beta", "hardtanh",
        "relu6", "selu", "mish", "softsign", "identity", "step", "sign", "neg", "square", "abs", "clamp",
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Activation(string name)
    {
        Func<Tensor, Tensor> f = name switch
        {
            "relu" => F.Relu, "sigmoid" => F.Sigmoid, "tanh" => F.Tanh, "leaky_relu" => x => F.LeakyRelu(x, 0.1f),
            "elu" => x => F.Elu(x, 1.3f), "gelu" => x => F.Gelu(x), "gelu_tanh" => x => F.Gelu(x, "tanh"), "silu" => F.Silu,
            "softplus" => x => F.Softplus(x), "softplus_beta" => x => F.Softplus(x, 2f, 1f), "hardtanh" => x => F.Hardtanh(x, -0.7f, 0.8f),
            "relu6" => x => F.Relu6(x * 4f), "selu" => F.Selu, "mish" => F.Mish, "softsign" => F.Softsign, "identity" => x => x,
            "step" => F.Step, "sign" => F.Sign, "neg" => F.Neg, "square" => F.Square, "abs" => F.Abs, "clamp" => x => F.Clamp(x, -0.6f, 0.9f),
            _ => throw new ArgumentException(name),
        };
        GradCheck.Check(xs => f(xs[0]), [R(3, 4, 5)]);
    }

    [Fact] public void Prelu() => GradCheck.Check(xs => F.Prelu(xs[0], xs[1]), [R(1, 2, 3, 4), Tensor.FromArray([0.1f, -0.2f, 0.3f])]);
    [Fact] public void Linear() => GradCheck.Check(xs => F.Linear(xs[0], xs[1], xs[2]), [R(1, 2, 3, 5), R(2, 4, 5), R(3, 4)]);
    [Fact] public void Bilinear() => GradCheck.Check(xs => F.Bilinear(xs[0], xs[1], xs[2], xs[3]), [R(1, 4, 2), R(2, 4, 3), R(3, 2, 2, 3), R(4, 2)]);
    [Fact] public void Matmul2d() => GradCheck.Check(xs => F.Matmul(xs[0], xs[1]), [R(1, 3, 4), R(2, 4, 5)]);
    [Fact] public void MatmulBatchedBroadcast() => GradCheck.Check(xs => F.Matmul(xs[0], xs[1]), [R(1, 2, 1, 3, 4), R(2, 3, 4, 5)]);
    [Fact] public void MatmulVectors() => GradCheck.Check(xs => F.Matmul(xs[0], xs[1]), [R(1, 4), R(2, 2, 4, 3)]);
    [Fact] public void MatmulTransposedOperands() => GradCheck.Check(xs => F.BatchedMatmul(xs[0], xs[1], true, true), [R(1, 2, 4, 3), R(2, 2, 5, 4)]);
    [Fact] public void AddBroadcast() => GradCheck.Check(xs => F.Add(xs[0], xs[1]), [R(1, 2, 3, 4), R(2, 3, 1)]);
    [Fact] public void SubBroadcast() => GradCheck.Check(xs => F.Sub(xs[0], xs[1]), [R(1, 2, 1, 4), R(2, 3, 1)]);
    [Fact] public void MulBroadcast() => GradCheck.Check(xs => F.Mul(xs[0], xs[1]), [R(1, 4, 1, 5), R(2, 1, 3, 1)]);
    [Fact] public void DivBroadcast() => GradCheck.Check(xs => F.Div(xs[0], xs[1]), [R(1, 3, 4), Pos(2, 4)]);
    [Fact] public void Maximum() => GradCheck.Check(xs => F.Maximum(xs[0], xs[1]), [R(1, 3, 4), R(2, 3, 4)]);
    [Fact] public void ExpLogSqrt() => GradCheck.Check(xs => F.Exp(xs[0]) + F.Log(xs[0]) * F.Sqrt(xs[0]), [Pos(1, 3, 4)]);
    [Fact] public void Pow() => GradCheck.Check(xs => F.Pow(xs[0], 2.5f), [Pos(1, 3, 4)]);
    [Fact] public void SumDims() => GradCheck.Check(xs => F.Sum(xs[0], [0, 2], keepdim: true), [R(1, 2, 3, 4)]);
    [Fact] public void MeanDim() => GradCheck.Check(xs => F.Mean(xs[0], [1]), [R(1, 3, 5, 2)]);
    [Fact] public void Var() => GradCheck.Check(xs => F.Var(xs[0], [1]), [R(1, 3, 5)]);
    [Fact]
    public void MaxDim()
    {
        // Distinct values 0.1 apart, so a finite-difference step cannot change which element is the maximum.
        var perm = new Generator(2).Permutation(18).Select(v => v * 0.1f).ToArray();
        GradCheck.Check(xs => F.Max(xs[0], 1).Values, [Tensor.FromArray(perm, 3, 6)]);
    }
    [Fact] public void PermuteReshape() => GradCheck.Check(xs => F.Reshape(F.Permute(xs[0], 2, 0, 1), 4, -1), [R(1, 2, 3, 4)]);
    [Fact] public void Cat() => GradCheck.Check(xs => F.Cat([xs[0], xs[1]], 1), [R(1, 2, 3, 2), R(2, 2, 1, 2)]);
    [Fact] public void Stack() => GradCheck.Check(xs => F.Stack([xs[0], xs[1]], 2), [R(1, 2, 3), R(2, 2, 3)]);
    [Fact] public void Narrow() => GradCheck.Check(xs => F.Narrow(xs[0], 1, 1, 2), [R(1, 2, 4, 3)]);
    [Fact] public void Where() => GradCheck.Check(xs => F.Where(F.Gt(xs[0], Tensor.Scalar(0)), xs[0], xs[1]), [R(1, 3, 4), R(2, 4)]);
    [Fact] public void MaskedFill() => GradCheck.Check(xs => F.MaskedFill(xs[0], Tensor.FromBools([true, false, true, false]), -1f), [R(1, 3, 4)]);
    [Fact] public void Expand() => GradCheck.Check(xs => F.Expand(xs[0], 2, 3, 4), [R(1, 3, 1)]);
    [Fact] public void Softmax() => GradCheck.Check(xs => F.Softmax(xs[0], 1), [R(1, 2, 5, 3)]);
    [Fact] public void LogSoftmax() => GradCheck.Check(xs => F.LogSoftmax(xs[0], -1), [R(1, 3, 5)]);
    [Fact] public void IndexSelect() => GradCheck.Check(xs => F.IndexSelect(xs[0], 1, Tensor.FromLongs([2, 0, 2])), [R(1, 2, 3, 2)]);
    [Fact] public void Gather() => GradCheck.Check(xs => F.Gather(xs[0], 1, Tensor.FromLongs([0, 2, 2, 1, 1, 0], 2, 3)), [R(1, 2, 3)]);
    [Fact] public void ScatterAdd() => GradCheck.Check(xs => F.ScatterAdd(xs[0], 1, Tensor.FromLongs([0, 2, 2, 1, 1, 0], 2, 3), xs[1]), [R(1, 2, 3), R(2, 2, 3)]);

    [Fact]
    public void Embedding()
    {
        var idx = Tensor.FromLongs([1, 3, 3, 0, 2, 1], 2, 3);
        GradCheck.Check(xs => F.Embedding(idx, xs[0]), [R(1, 5, 4)]);
    }

    [Fact]
    public void EmbeddingPaddingRowGetsZeroGradient()
    {
        var w = R(1, 4, 3).RequiresGrad_();
        F.Sum(F.Embedding(Tensor.FromLongs([0, 2, 2]), w, paddingIdx: 2)).Backward();
        Assert.All(w.Grad!.Data.Slice(6, 3).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(w.Grad!.Data.Slice(0, 3).ToArray(), v => Assert.Equal(1f, v));
    }

    public static TheoryData<string> Losses() => new()
    {
        "ce_mean", "ce_sum_spatial", "ce_smooth_ignore", "ce_none", "nll", "mse", "l1", "smooth_l1", "huber", "bce", "bce_logits", "kl", "kl_log_target",
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Loss(string name)
    {
        var target = Tensor.FromLongs([1, 0, 3, 2, 3], 5);
        var spatialT = Tensor.FromLongs([1, 0, 3, 2, 3, 0, 0, 1], 2, 2, 2);
        switch (name)
        {
            case "ce_mean": GradCheck.Check(xs => F.CrossEntropy(xs[0], target), [R(1, 5, 4)]); break;
            case "ce_sum_spatial": GradCheck.Check(xs => F.CrossEntropy(xs[0], spatialT, Reduction.Sum), [R(1, 2, 4, 2, 2)]); break;
            case "ce_smooth_ignore": GradCheck.Check(xs => F.CrossEntropy(xs[0], target, Reduction.Mean, 0.2f, ignoreIndex: 3), [R(1, 5, 4)]); break;
            case "ce_none": GradCheck.Check(xs => F.CrossEntropy(xs[0], target, Reduction.None, 0.1f), [R(1, 5, 4)]); break;
            case "nll": GradCheck.Check(xs => F.NllLoss(F.LogSoftmax(xs[0], 1), target), [R(1, 5, 4)]); break;
            case "mse": GradCheck.Check(xs => F.MseLoss(xs[0], xs[1]), [R(1, 3, 4), R(2, 3, 4)]); break;
            case "l1": GradCheck.Check(xs => F.L1Loss(xs[0], xs[1], Reduction.Sum), [R(1, 3, 4), R(2, 3, 4) * 3f]); break;
            case "smooth_l1": GradCheck.Check(xs => F.SmoothL1Loss(xs[0], xs[1], Reduction.Mean, 0.5f), [R(1, 3, 4), R(2, 3, 4) + 0.05f]); break;
            case "huber": GradCheck.Check(xs => F.HuberLoss(xs[0], xs[1], Reduction.Sum, 0.7f), [R(1, 3, 4), R(2, 3, 4) + 0.05f]); break;
            case "bce": GradCheck.Check(xs => F.BinaryCrossEntropy(F.Sigmoid(xs[0]), xs[1]), [R(1, 3, 4), F.Sigmoid(R(2, 3, 4)).Detach()], eps: 1e-3); break;
            case "bce_logits": GradCheck.Check(xs => F.BinaryCrossEntropyWithLogits(xs[0], xs[1], Reduction.Sum), [R(1, 3, 4), F.Sigmoid(R(2, 3, 4)).Detach()]); break;
            case "kl": GradCheck.Check(xs => F.KlDivLoss(F.LogSoftmax(xs[0], 1), F.Softmax(xs[1], 1), Reduction.BatchMean), [R(1, 3, 4), R(2, 3, 4)]); break;
            case "kl_log_target": GradCheck.Check(xs => F.KlDivLoss(F.LogSoftmax(xs[0], 1), F.LogSoftmax(xs[1], 1), Reduction.Mean, logTarget: true), [R(1, 3, 4), R(2, 3, 4)]); break;
        }
    }
}
