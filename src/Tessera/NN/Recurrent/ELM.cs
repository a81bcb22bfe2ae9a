namespace Tessera.NN;

/// <summary>
/// Extreme learning machine (Huang et al. 2006): a fixed random hidden layer Hd = act(X·weightᵀ + bias) and a linear
/// readout fitted in one least-squares solve, beta = pinv(Hd)·Y, instead of by gradient descent. X [N, I], Y [N, Ny]
/// → beta [Nh, Ny], predictions Hd·beta. With N ≥ Nh the least-squares fit; with N &lt; Nh the minimum-norm one that
/// interpolates Y; collinear hidden features (a rank-deficient Hd) are handled by the SVD's cutoff, as numpy's pinv. The hidden weights weight [Nh, I], bias [Nh] ~ U(−1, 1) are parameters that do not require gradients.
/// </summary>
public sealed class ELM : Module
{
    public int InputSize { get; }
    public int HiddenSize { get; }
    /// <summary>"tanh" or "sigmoid".</summary>
    public string Activation { get; }
    public Parameter Weight { get; }
    public Parameter Bias { get; }
    /// <summary>The fitted readout beta [Nh, Ny], or null before <see cref="Fit"/>.</summary>
    public Tensor? OutputWeight { get; private set; }

    public ELM(int inputSize, int hiddenSize, string activation = "tanh", Generator? gen = null)
    {
        if (inputSize <= 0 || hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), $"ELM: input_size and hidden_size must be positive, got {inputSize} and {hiddenSize}");
        if (activation is not ("tanh" or "sigmoid")) throw new ArgumentException($"ELM: activation must be \"tanh\" or \"sigmoid\", got \"{activation}\"", nameof(activation));
        (InputSize, HiddenSize, Activation) = (inputSize, hiddenSize, activation);
        Weight = RegisterParameter("weight", new Parameter(Init.Uniform(Tensor.Empty(hiddenSize, inputSize), -1, 1, gen), requiresGrad: false));
        Bias = RegisterParameter("bias", new Parameter(Init.Uniform(Tensor.Empty(hiddenSize), -1, 1, gen), requiresGrad: false));
    }

    /// <summary>Fits the readout to X [N, I], Y [N, Ny] (in float64) and returns beta [Nh, Ny] and the fitted predictions [N, Ny].</summary>
    public (Tensor Beta, Tensor Predictions) Fit(Tensor x, Tensor y)
    {
        CheckInput(x);
        if (y.DType != DType.Float32 || y.Rank != 2 || y.Dims[0] != x.Dims[0])
            throw new ArgumentException($"ELM(hidden_size={HiddenSize}): targets must be float32 [{x.Dims[0]}, outputs], one row per input row, got {DTypes.Name(y.DType)} {ShapeUtil.Format(y.Dims)}");
        int n = x.Dims[0], ny = y.Dims[1];
        var hd = HiddenDouble(x);
        var beta = F.LeastSquares(hd, [n, HiddenSize], y.ToArray().Select(v => (double)v).ToArray(), [n, ny]);
        var pred = new float[n * ny];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < ny; j++)
            {
                double s = 0;
                for (int k = 0; k < HiddenSize; k++) s += hd[i * HiddenSize + k] * beta[k * ny + j];
                pred[i * ny + j] = (float)s;
            }
        OutputWeight = Tensor.Wrap(beta.Select(v => (float)v).ToArray(), HiddenSize, ny);
        return (OutputWeight, Tensor.Wrap(pred, n, ny));
    }

    /// <summary>Predictions Hd·beta for X [N, I] after <see cref="Fit"/>.</summary>
    public override Tensor Forward(Tensor x)
    {
        CheckInput(x);
        var beta = OutputWeight ?? throw new InvalidOperationException($"ELM(hidden_size={HiddenSize}): call Fit before predicting");
        var z = F.Linear(x, Weight, Bias);
        return F.Matmul(Activation == "tanh" ? F.Tanh(z) : F.Sigmoid(z), beta);
    }

    /// <summary>The hidden layer in float64, so the least-squares solve does not start from rounded features.</summary>
    private double[] HiddenDouble(Tensor x)
    {
        int n = x.Dims[0];
        var xv = x.Data; var w = Weight.Data; var b = Bias.Data;
        var hd = new double[n * HiddenSize];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < HiddenSize; k++)
            {
                double s = b[k];
                for (int j = 0; j < InputSize; j++) s += (double)xv[i * InputSize + j] * w[k * InputSize + j];
                hd[i * HiddenSize + k] = Activation == "tanh" ? Math.Tanh(s) : 1 / (1 + Math.Exp(-s));
            }
        return hd;
    }

    private void CheckInput(Tensor x)
    {
        if (x.DType != DType.Float32 || x.Rank != 2 || x.Dims[1] != InputSize)
            throw new ArgumentException($"ELM(input_size={InputSize}): input must be float32 [N, {InputSize}], got {DTypes.Name(x.DType)} {ShapeUtil.Format(x.Dims)}");
    }

    public override string ExtraRepr() => $"{InputSize}, {HiddenSize}, activation={Activation}";
}
