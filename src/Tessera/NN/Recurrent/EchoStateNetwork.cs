namespace Tessera.NN;

/// <summary>
/// Leaky-integrator echo state network reservoir (Jaeger 2001; Lukoševičius 2012, "A practical guide to applying echo
/// state networks", eqs. 2–3): a large fixed random recurrent layer whose state echoes the input history; only a linear
/// readout is trained (see <see cref="RidgeReadout"/>). x̃(n) = tanh(W_in·[1; u(n)] + W·x(n−1)),
/// x(n) = (1 − α)·x(n−1) + α·x̃(n). u [T, Nu] (one sequence), x0 [Nx] → states X [T, Nx] (row n−1 = x(n), no washout).
/// Parameters W_in [Nx, 1 + Nu] (column 0 multiplies the constant 1: the bias) and W [Nx, Nx]; they stay fixed in an ESN
/// (use the forward under <see cref="GradMode.NoGrad"/>), but they are ordinary parameters, so a model may also tune them.
/// </summary>
public sealed class EchoStateNetwork : Module
{
    public int InputSize { get; }
    public int ReservoirSize { get; }
    /// <summary>α ∈ (0, 1]: how fast the state follows the input; small α gives slow, smooth dynamics.</summary>
    public float LeakingRate { get; }
    public Parameter InputWeight { get; }
    public Parameter Weight { get; }

    /// <summary>
    /// W_in ~ U(−inputScaling, inputScaling); W ~ N(0, 1) rescaled to <paramref name="spectralRadius"/> (below 1 for the echo
    /// state property in practice; Lukoševičius 2012 §3.2.5), measured by <see cref="SpectralRadius"/>.
    /// </summary>
    public EchoStateNetwork(int inputSize, int reservoirSize, float leakingRate, double spectralRadius = 0.9, double inputScaling = 0.5, Generator? gen = null)
    {
        if (inputSize <= 0 || reservoirSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"EchoStateNetwork: input_size and reservoir_size must be positive, got {inputSize} and {reservoirSize}");
        if (!(leakingRate > 0 && leakingRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(leakingRate), $"EchoStateNetwork: leaking_rate must be in (0, 1], got {leakingRate}");
        (InputSize, ReservoirSize, LeakingRate) = (inputSize, reservoirSize, leakingRate);
        gen ??= Generator.Default;
        InputWeight = RegisterParameter("W_in", Init.Uniform(Tensor.Empty(reservoirSize, 1 + inputSize), -inputScaling, inputScaling, gen));
        var w = Init.Normal(Tensor.Empty(reservoirSize, reservoirSize), 0, 1, gen);
        double rho = SpectralRadius(w, gen);
        if (rho > 0) System.Numerics.Tensors.TensorPrimitives.Multiply(w.Data, (float)(spectralRadius / rho), w.Data);
        Weight = RegisterParameter("W", w);
    }

    /// <summary>The reservoir states for one input sequence: u [T, Nu], x0 [Nx] or null (zeros) → X [T, Nx].</summary>
    public Tensor Forward(Tensor u, Tensor? x0)
    {
        string me = $"EchoStateNetwork(input_size={InputSize}, reservoir_size={ReservoirSize})";
        if (u.DType != DType.Float32 || u.Rank != 2 || u.Dims[1] != InputSize || u.Dims[0] == 0)
            throw new ArgumentException($"{me}: input must be float32 [time, {InputSize}], got {DTypes.Name(u.DType)} {ShapeUtil.Format(u.Dims)}");
        SequenceChecks.State(me, x0, "x0", [ReservoirSize], "[reservoir_size]");
        // The input term of every step at once: W_in·[1; u(n)] = W_in[:, 1:]·u(n) + W_in[:, 0].
        var drive = F.Linear(u, F.Narrow(InputWeight, 1, 1, InputSize), F.Reshape(F.Narrow(InputWeight, 1, 0, 1), ReservoirSize));
        var x = x0 ?? Tensor.Zeros(ReservoirSize);
        var states = new List<Tensor>();
        foreach (var d in F.Unbind(drive, 0))
        {
            var candidate = F.Tanh(d + F.Matmul(Weight, x));
            x = x * (1 - LeakingRate) + candidate * LeakingRate;
            states.Add(x);
        }
        return F.Stack(states, 0);
    }

    public override Tensor Forward(Tensor u) => Forward(u, null);

    /// <summary>
    /// Estimates the spectral radius ρ(W) of a square matrix by Gelfand's formula ρ = lim ‖Wᵏv‖^{1/k}: power iteration on a
    /// random vector, averaging the log growth per step after a burn-in. Unlike the ratio of successive iterates, the
    /// average converges when the dominant eigenvalues are a complex pair, as they usually are for a random W.
    /// </summary>
    public static double SpectralRadius(Tensor w, Generator? gen = null, int iterations = 400, int burnIn = 100)
    {
        if (w.Rank != 2 || w.Dims[0] != w.Dims[1]) throw new ArgumentException($"SpectralRadius: W must be square, got {ShapeUtil.Format(w.Dims)}");
        int n = w.Dims[0];
        var m = w.Data.ToArray();
        gen ??= Generator.Default;
        var v = new double[n]; var next = new double[n];
        for (int i = 0; i < n; i++) v[i] = gen.NextNormal();
        double logGrowth = 0;
        for (int k = 0; k < iterations; k++)
        {
            double norm = 0;
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < n; j++) s += m[i * n + j] * v[j];
                next[i] = s; norm += s * s;
            }
            norm = Math.Sqrt(norm);
            if (norm == 0) return 0;   // nilpotent on this vector
            if (k >= burnIn) logGrowth += Math.Log(norm);
            for (int i = 0; i < n; i++) v[i] = next[i] / norm;
        }
        return Math.Exp(logGrowth / (iterations - burnIn));
    }

    public override string ExtraRepr() => $"{InputSize}, {ReservoirSize}, leaking_rate={LeakingRate}";
}
