namespace Tessera.Tests.Kernels;

/// <summary>
/// The fused recurrent kernels against a plain step-by-step loop written from the catalog's formulas with ordinary
/// differentiable ops (linear, sigmoid, tanh, where), on odd sizes including hidden sizes that straddle the SIMD widths,
/// in both directions, with and without variable lengths: outputs, final states and every gradient.
/// </summary>
public class RecurrentKernelTests
{
    public static TheoryData<int, int, int, int, bool, bool> Sizes() => new()
    {
        // T, N, I, H, reverse, lengths
        { 1, 1, 1, 1, false, false },
        { 5, 3, 7, 7, false, true },
        { 4, 2, 5, 33, true, false },
        { 6, 4, 3, 17, true, true },
        { 3, 5, 9, 8, false, false },
        { 3, 9, 5, 513, true, true },       // N·H ≥ 4096: the rows of a step are split across cores
    };

    private static Tensor R(Generator g, params int[] shape) => F.Mul(Tensor.Randn(shape, g), Tensor.Scalar(0.6f)).Detach().RequiresGrad_();

    /// <summary>Weights [rows, fan] with std 0.6, or 1/√fan for wide rows (about the scale of PyTorch's initialisation), so
    /// pre-activations stay O(1) at every size and float32 sums over long rows do not cancel catastrophically.</summary>
    private static Tensor W(Generator g, int rows, int fan) => F.Mul(Tensor.Randn([rows, fan], g), Tensor.Scalar(Math.Min(0.6f, 1f / MathF.Sqrt(fan)))).Detach().RequiresGrad_();

    private static int[]? Lengths(bool on, int T, int N) => on ? Enumerable.Range(0, N).Select(b => 1 + (b * 7 + 2) % T).ToArray() : null;

    /// <summary>Row mask [N, 1] of sequences still running at time t.</summary>
    private static Tensor Mask(int[]? lengths, int t, int n) => Tensor.FromBools(Enumerable.Range(0, n).Select(b => lengths == null || t < lengths[b]).ToArray(), n, 1);

    /// <summary>The reference loop shared by the three cells: state ← where(valid, cell(x_t, state), state), output 0 past the end.</summary>
    private static (Tensor Y, Tensor[] States) Loop(Tensor x, Tensor[] state, bool reverse, int[]? lengths, Func<Tensor, Tensor[], Tensor[]> cell)
    {
        int T = x.Dims[0], N = x.Dims[1];
        var steps = F.Unbind(x, 0);
        var outputs = new Tensor[T];
        for (int k = 0; k < T; k++)
        {
            int t = reverse ? T - 1 - k : k;
            var next = cell(steps[t], state);
            var m = Mask(lengths, t, N);
            state = next.Zip(state, (a, b) => F.Where(m, a, b)).ToArray();
            outputs[t] = F.Where(m, state[0], Tensor.Zeros(state[0].Shape));
        }
        return (F.Stack(outputs, 0), state);
    }

    private static void CompareAll(Tensor[] inputs, Tensor[] fused, Tensor[] reference, int seed)
    {
        var g = new Generator((ulong)seed);
        Tensor Loss(Tensor[] outs) => outs.Select(o => F.Sum(F.Mul(o, Tensor.Randn(o.Shape, g)))).Aggregate(F.Add);
        for (int i = 0; i < fused.Length; i++) AssertClose(reference[i], fused[i], $"output {i}");
        var seedState = g.GetState();
        Loss(fused).Backward();
        var fusedGrads = inputs.Select(t => t.Grad!.Clone()).ToArray();
        foreach (var t in inputs) t.Grad = null;
        g.SetState(seedState);
        Loss(reference).Backward();
        for (int i = 0; i < inputs.Length; i++) AssertClose(inputs[i].Grad!, fusedGrads[i], $"gradient of input {i}");
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.Data; var a = actual.Data;
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 2e-5 + 2e-5 * Math.Abs(e[i]), $"{what}[{i}]: loop {e[i]:G7}, fused {a[i]:G7}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void LstmMatchesTheLoop(int T, int N, int I, int H, bool reverse, bool withLengths)
    {
        var g = new Generator(3);
        var (x, h0, c0, wih, whh, bih, bhh) = (R(g, T, N, I), R(g, N, H), R(g, N, H), W(g, 4 * H, I), W(g, 4 * H, H), R(g, 4 * H), R(g, 4 * H));
        var lengths = Lengths(withLengths, T, N);
        var (y, h, c) = F.LstmLayer(x, h0, c0, wih, whh, bih, bhh, reverse, lengths);
        var (ry, rs) = Loop(x, [h0, c0], reverse, lengths, (xt, s) =>
        {
            var a = F.Chunk(F.Add(F.Linear(xt, wih, bih), F.Linear(s[0], whh, bhh)), 4, 1);
            var cn = F.Add(F.Mul(F.Sigmoid(a[1]), s[1]), F.Mul(F.Sigmoid(a[0]), F.Tanh(a[2])));
            return [F.Mul(F.Sigmoid(a[3]), F.Tanh(cn)), cn];
        });
        CompareAll([x, h0, c0, wih, whh, bih, bhh], [y, h, c], [ry, rs[0], rs[1]], 7);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void PeepholeLstmMatchesTheLoop(int T, int N, int I, int H, bool reverse, bool withLengths)
    {
        var g = new Generator(4);
        var (x, h0, c0, wih, whh, bih, bhh) = (R(g, T, N, I), R(g, N, H), R(g, N, H), W(g, 4 * H, I), W(g, 4 * H, H), R(g, 4 * H), R(g, 4 * H));
        var (wci, wcf, wco) = (R(g, H), R(g, H), R(g, H));
        var lengths = Lengths(withLengths, T, N);
        var (y, h, c) = F.PeepholeLstmLayer(x, h0, c0, wih, whh, bih, bhh, wci, wcf, wco, reverse, lengths);
        var (ry, rs) = Loop(x, [h0, c0], reverse, lengths, (xt, s) =>
        {
            var a = F.Chunk(F.Add(F.Linear(xt, wih, bih), F.Linear(s[0], whh, bhh)), 4, 1);
            var i = F.Sigmoid(F.Add(a[0], F.Mul(wci, s[1])));
            var f = F.Sigmoid(F.Add(a[1], F.Mul(wcf, s[1])));
            var cn = F.Add(F.Mul(f, s[1]), F.Mul(i, F.Tanh(a[2])));
            return [F.Mul(F.Sigmoid(F.Add(a[3], F.Mul(wco, cn))), F.Tanh(cn)), cn];
        });
        CompareAll([x, h0, c0, wih, whh, bih, bhh, wci, wcf, wco], [y, h, c], [ry, rs[0], rs[1]], 8);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void GruMatchesTheLoopInBothForms(int T, int N, int I, int H, bool reverse, bool withLengths)
    {
        foreach (bool resetAfter in new[] { true, false })
        {
            var g = new Generator(5);
            var (x, h0, wih, whh, bih, bhh) = (R(g, T, N, I), R(g, N, H), W(g, 3 * H, I), W(g, 3 * H, H), R(g, 3 * H), R(g, 3 * H));
            var lengths = Lengths(withLengths, T, N);
            var (y, h) = F.GruLayer(x, h0, wih, whh, bih, bhh, resetAfter, reverse, lengths);
            var (ry, rs) = Loop(x, [h0], reverse, lengths, (xt, s) =>
            {
                var gx = F.Chunk(F.Linear(xt, wih, bih), 3, 1);
                var w = F.Chunk(whh, 3, 0); var b = F.Chunk(bhh, 3, 0);
                var r = F.Sigmoid(F.Add(gx[0], F.Linear(s[0], w[0], b[0])));
                var z = F.Sigmoid(F.Add(gx[1], F.Linear(s[0], w[1], b[1])));
                var hn = resetAfter ? F.Mul(r, F.Linear(s[0], w[2], b[2])) : F.Linear(F.Mul(r, s[0]), w[2], b[2]);
                var n = F.Tanh(F.Add(gx[2], hn));
                return [F.Add(F.Mul(F.Sub(Tensor.Scalar(1f), z), n), F.Mul(z, s[0]))];
            });
            CompareAll([x, h0, wih, whh, bih, bhh], [y, h], [ry, rs[0]], 9);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void RnnMatchesTheLoop(int T, int N, int I, int H, bool reverse, bool withLengths)
    {
        foreach (var act in new[] { "tanh", "relu" })
        {
            var g = new Generator(6);
            var (x, h0, wih, whh, bih, bhh) = (R(g, T, N, I), R(g, N, H), W(g, H, I), W(g, H, H), R(g, H), R(g, H));
            var lengths = Lengths(withLengths, T, N);
            var (y, h) = F.RnnLayer(x, h0, wih, whh, bih, bhh, act, reverse, lengths);
            var (ry, rs) = Loop(x, [h0], reverse, lengths, (xt, s) =>
            {
                var a = F.Add(F.Linear(xt, wih, bih), F.Linear(s[0], whh, bhh));
                return [act == "tanh" ? F.Tanh(a) : F.Relu(a)];
            });
            CompareAll([x, h0, wih, whh, bih, bhh], [y, h], [ry, rs[0]], 10);
        }
    }
}
