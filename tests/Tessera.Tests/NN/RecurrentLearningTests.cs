using Tessera.NN;
using Tessera.Optim;
using Xunit.Abstractions;

namespace Tessera.Tests.NN;

/// <summary>Small recurrent models that must learn, on data the test makes: the adding problem, an echo state network, an ELM.</summary>
public class RecurrentLearningTests(ITestOutputHelper output)
{
    /// <summary>
    /// The adding problem (Hochreiter &amp; Schmidhuber 1997, experiment 4): each step carries a value in U(−1, 1), as in the
    /// original, and a marker; exactly two steps are marked, one in each half, and the target is the sum of their values.
    /// x [T, N, 2], y [N, 1]. Predicting the mean 0 scores MSE 2/3; getting below needs memory across ~T/2 steps.
    /// </summary>
    private static (Tensor X, Tensor Y) AddingProblem(int steps, int batch, Generator g)
    {
        var x = new float[steps * batch * 2]; var y = new float[batch];
        for (int b = 0; b < batch; b++)
        {
            int first = g.NextInt(steps / 2), second = steps / 2 + g.NextInt(steps / 2);
            for (int t = 0; t < steps; t++)
            {
                float v = (float)(2 * g.NextDouble() - 1);
                x[(t * batch + b) * 2] = v;
                if (t == first || t == second) { x[(t * batch + b) * 2 + 1] = 1; y[b] += v; }
            }
        }
        return (Tensor.Wrap(x, steps, batch, 2), Tensor.Wrap(y, batch, 1));
    }

    private double TrainAdding(RecurrentStack rnn, Func<Tensor, Tensor> lastState, int steps, int iterations, double lr)
    {
        var head = new Linear(rnn.HiddenSize, 1);
        var opt = new Adam(rnn.Parameters().Concat(head.Parameters()), lr);
        var data = new Generator(11);
        for (int it = 0; it < iterations; it++)
        {
            var (x, y) = AddingProblem(steps, 32, data);
            var loss = F.MseLoss(head.Forward(lastState(x)), y);
            opt.ZeroGrad(); loss.Backward(); opt.Step();
            if (it % 50 == 0) output.WriteLine($"iteration {it}: loss {loss.Item():F4}");
        }
        using var _ = GradMode.NoGrad();
        var (tx, ty) = AddingProblem(steps, 500, new Generator(99));
        double mse = F.MseLoss(head.Forward(lastState(tx)), ty).Item();
        output.WriteLine($"held-out MSE {mse:F5} (predicting the mean: {2.0 / 3:F3})");
        return mse;
    }

    [Fact]
    public void LstmLearnsTheAddingProblemOver100Steps()
    {
        Generator.ManualSeed(5);
        var lstm = new LSTM(2, 16);
        // Forget-gate bias 1 (Gers et al. 2000; Jozefowicz et al. 2015): the cell starts out remembering, which shortens
        // the plateau before the model finds the marked values.
        lstm.Weights[0].BiasIh!.Data.Slice(16, 16).Fill(1f);
        lstm.Weights[0].BiasHh!.Data.Slice(16, 16).Fill(0f);
        double mse = TrainAdding(lstm, x => lstm.Forward(x, null, null).HN.Reshape(-1, 16), 100, 600, 1e-2);
        Assert.True(mse < 0.02, $"held-out MSE {mse}");
    }

    [Fact]
    public void GruLearnsTheAddingProblemOver100Steps()
    {
        Generator.ManualSeed(6);
        var gru = new GRU(2, 16);
        double mse = TrainAdding(gru, x => gru.Forward(x, null).HN.Reshape(-1, 16), 100, 500, 1e-2);
        Assert.True(mse < 0.02, $"held-out MSE {mse}");
    }

    [Fact]
    public void TruncatedBpttCarriesTheStateCutsTheGraphAndLearnsOnALongStream()
    {
        Generator.ManualSeed(31);
        var lstm = new LSTM(1, 8);
        var head = new Linear(8, 1);
        // One long stream whose target is the input two steps earlier.
        const int T = 3000, N = 4;
        var x = Tensor.Randn([T, N, 1], new Generator(32));
        var target = F.Cat([Tensor.Zeros(2, N, 1), F.Narrow(x, 0, 0, T - 2)], 0);

        // Window by window with the carried state gives the values of one pass over the whole stream.
        var tbptt = new TruncatedBptt(steps: 40);
        var pieces = new List<Tensor>();
        using (GradMode.NoGrad())
        {
            foreach (var w in tbptt.Windows(x))
            {
                var (y, h, c) = lstm.Forward(w[0], tbptt[0], tbptt[1]);
                pieces.Add(y);
                tbptt.Carry(h, c);
            }
            var whole = lstm.Forward(x).ToArray(); var windowed = F.Cat(pieces, 0).ToArray();
            for (int i = 0; i < whole.Length; i += 101) Assert.Equal(whole[i], windowed[i], 5);
        }

        // Training: each update sees one window; the carried state is a leaf, so no graph reaches back further.
        var opt = new Adam(lstm.Parameters().Concat(head.Parameters()), 1e-2);
        tbptt.Reset();
        var losses = new List<float>();
        for (int epoch = 0; epoch < 3; epoch++)
            foreach (var w in tbptt.Windows(x, target))
            {
                var (y, h, c) = lstm.Forward(w[0], tbptt[0], tbptt[1]);
                if (tbptt.State != null) Assert.All(tbptt.State, s => Assert.True(s.IsLeaf && !s.RequiresGrad));
                var loss = F.MseLoss(head.Forward(y), w[1]);
                opt.ZeroGrad(); loss.Backward(); opt.Step();
                tbptt.Carry(h, c);
                losses.Add(loss.Item());
            }
        double first = losses.Take(5).Average(), last = losses.TakeLast(10).Average();
        output.WriteLine($"window loss {first:F4} → {last:F4}");
        Assert.True(last < 0.05 * first, $"window loss {first} → {last}");
    }

    [Fact]
    public void EchoStateNetworkWithRidgeReadoutPredictsASineWave()
    {
        // u(n) = sin(n/4); the readout maps [1; u(n); x(n)] to u(n+1). Washout 50 steps, fit 250, test 100 more.
        const int washout = 50, fit = 250, test = 100, total = washout + fit + test + 1;
        var u = Tensor.Wrap(Enumerable.Range(0, total).Select(n => MathF.Sin(n / 4f)).ToArray(), total, 1);
        var esn = new EchoStateNetwork(1, 40, leakingRate: 0.5f, spectralRadius: 0.9, gen: new Generator(41));
        using var _ = GradMode.NoGrad();
        var states = esn.Forward(F.Narrow(u, 0, 0, total - 1), null);                       // x(1..total−1)
        var design = F.Transpose(F.Cat([Tensor.Ones(total - 1, 1), F.Narrow(u, 0, 0, total - 1), states], 1), 0, 1);   // [2 + Nx, total−1]
        var next = F.Transpose(F.Narrow(u, 0, 1, total - 1), 0, 1);                          // [1, total−1]
        var wOut = new RidgeReadout(1e-6).Forward(F.Narrow(design, 1, washout, fit), F.Narrow(next, 1, washout, fit));
        var predicted = F.Matmul(wOut, F.Narrow(design, 1, washout + fit, test));
        double mse = F.MseLoss(predicted, F.Narrow(next, 1, washout + fit, test)).Item();
        output.WriteLine($"held-out one-step MSE {mse:E2} (signal variance 0.5)");
        Assert.True(mse < 1e-4, $"held-out MSE {mse}");
    }

    [Fact]
    public void SpectralRadiusEstimateHandlesComplexDominantEigenvalues()
    {
        // Block diagonal: a rotation scaled by 0.9 (eigenvalues ±0.9i) and real eigenvalues 0.5 and −0.7.
        var w = Tensor.FromArray(new float[,] { { 0, -0.9f, 0, 0 }, { 0.9f, 0, 0, 0 }, { 0, 0, 0.5f, 0 }, { 0, 0, 0, -0.7f } });
        Assert.Equal(0.9, EchoStateNetwork.SpectralRadius(w, new Generator(1)), 2);
        var esn = new EchoStateNetwork(2, 30, 0.3f, spectralRadius: 0.8, gen: new Generator(2));
        Assert.InRange(EchoStateNetwork.SpectralRadius(esn.Weight, new Generator(3), iterations: 2000, burnIn: 200), 0.76, 0.84);
    }

    [Fact]
    public void ElmFitsASmoothFunctionAndInterpolatesWhenUnderdetermined()
    {
        var g = new Generator(51);
        Tensor Inputs(int n) => Tensor.Rand([n, 1], -1, 1, g);
        Tensor Targets(Tensor x) => Tensor.Wrap(x.ToArray().Select(v => MathF.Sin(3 * v)).ToArray(), x.Dims[0], 1);
        var elm = new ELM(1, 30, "tanh", new Generator(52));
        var xTrain = Inputs(200);
        elm.Fit(xTrain, Targets(xTrain));
        var xTest = Inputs(100);
        double rmse = Math.Sqrt(F.MseLoss(elm.Forward(xTest), Targets(xTest)).Item());
        output.WriteLine($"ELM held-out RMSE {rmse:E2}");
        Assert.True(rmse < 0.01, $"RMSE {rmse}");

        // Fewer samples than hidden units: the minimum-norm solution reproduces the targets exactly.
        var few = Inputs(5);
        var (_, fitted) = new ELM(1, 20, "sigmoid", new Generator(53)).Fit(few, Targets(few));
        var want = Targets(few).ToArray(); var got = fitted.ToArray();
        for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], got[i], 3);
    }
}
