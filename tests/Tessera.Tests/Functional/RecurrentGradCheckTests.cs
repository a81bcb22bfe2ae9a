namespace Tessera.Tests.Functional;

/// <summary>
/// Finite-difference gradient checks (random cotangents) of the fused recurrent ops — every output (the sequence and the
/// final states) feeds the loss, and every float operand is checked — and of the new shape ops Unbind and Flip.
/// </summary>
public class RecurrentGradCheckTests
{
    private static Tensor R(int seed, params int[] shape) => F.Mul(Tensor.Randn(shape, new Generator((ulong)seed)), Tensor.Scalar(0.5f)).Detach();

    /// <summary>All outputs of a multi-output op flattened into one tensor, so one random cotangent covers them all.</summary>
    private static Tensor Joined(params Tensor[] outputs) => F.Cat(outputs.Select(o => F.Reshape(o, -1)).ToList(), 0);

    public static TheoryData<bool, int[]?> Directions() => new()
    {
        { false, null }, { true, null }, { false, [3, 1, 4] }, { true, [2, 4, 1] },
    };

    [Theory]
    [MemberData(nameof(Directions))]
    public void Lstm(bool reverse, int[]? lengths) => GradCheck.Check(xs =>
    {
        var (y, h, c) = F.LstmLayer(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], xs[6], reverse, lengths);
        return Joined(y, h, c);
    }, [R(1, 4, 3, 2), R(2, 3, 3), R(3, 3, 3), R(4, 12, 2), R(5, 12, 3), R(6, 12), R(7, 12)]);

    [Fact]
    public void LstmWithoutBiases() => GradCheck.Check(xs =>
    {
        var (y, h, c) = F.LstmLayer(xs[0], xs[1], xs[2], xs[3], xs[4]);
        return Joined(y, h, c);
    }, [R(1, 3, 2, 3), R(2, 2, 2), R(3, 2, 2), R(4, 8, 3), R(5, 8, 2)]);

    [Theory]
    [MemberData(nameof(Directions))]
    public void PeepholeLstm(bool reverse, int[]? lengths) => GradCheck.Check(xs =>
    {
        var (y, h, c) = F.PeepholeLstmLayer(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], xs[6], xs[7], xs[8], xs[9], reverse, lengths);
        return Joined(y, h, c);
    }, [R(1, 4, 3, 2), R(2, 3, 3), R(3, 3, 3), R(4, 12, 2), R(5, 12, 3), R(6, 12), R(7, 12), R(8, 3), R(9, 3), R(10, 3)]);

    public static TheoryData<bool, bool, int[]?> GruForms() => new()
    {
        { true, false, null }, { false, false, null }, { true, true, [3, 1, 4] }, { false, true, [2, 4, 1] }, { false, false, [4, 2, 3] },
    };

    [Theory]
    [MemberData(nameof(GruForms))]
    public void Gru(bool resetAfter, bool reverse, int[]? lengths) => GradCheck.Check(xs =>
    {
        var (y, h) = F.GruLayer(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], resetAfter, reverse, lengths);
        return Joined(y, h);
    }, [R(1, 4, 3, 2), R(2, 3, 3), R(4, 9, 2), R(5, 9, 3), R(6, 9), R(7, 9)]);

    [Theory]
    [InlineData("tanh", false)]
    [InlineData("tanh", true)]
    [InlineData("relu", false)]
    public void Rnn(string nonlinearity, bool withLengths) => GradCheck.Check(xs =>
    {
        var (y, h) = F.RnnLayer(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], nonlinearity, withLengths, withLengths ? [2, 4, 3] : null);
        return Joined(y, h);
    },
    // ReLU: pre-activations kept away from 0 by a large bias, so no finite-difference step crosses the kink.
    [R(1, 4, 3, 2), R(2, 3, 3), R(4, 3, 2), R(5, 3, 3), nonlinearity == "relu" ? Tensor.FromArray([0.9f, -0.8f, 1.1f]) : R(6, 3), R(7, 3)]);

    [Fact]
    public void Cells()
    {
        GradCheck.Check(xs => { var (h, c) = F.LstmCell(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5], xs[6]); return Joined(h, c); },
            [R(1, 2, 3), R(2, 2, 4), R(3, 2, 4), R(4, 16, 3), R(5, 16, 4), R(6, 16), R(7, 16)]);
        GradCheck.Check(xs => F.GruCell(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5]), [R(1, 2, 3), R(2, 2, 4), R(4, 12, 3), R(5, 12, 4), R(6, 12), R(7, 12)]);
        GradCheck.Check(xs => F.RnnCell(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5]), [R(1, 2, 3), R(2, 2, 4), R(4, 4, 3), R(5, 4, 4), R(6, 4), R(7, 4)]);
    }

    [Fact]
    public void UnbindAndFlip()
    {
        GradCheck.Check(xs => F.Stack(F.Unbind(xs[0], 1).Select((s, i) => F.Mul(s, Tensor.Scalar(i + 1f))).Reverse().ToList(), 0), [R(1, 2, 4, 3)]);
        GradCheck.Check(xs => F.Flip(xs[0], 1), [R(1, 2, 5, 3)]);
        // A slice left out of the loss gets a zero gradient; the others theirs.
        GradCheck.Check(xs => { var s = F.Unbind(xs[0], 0); return F.Add(F.Mul(s[0], s[2]), s[2]); }, [R(2, 4, 3)]);
    }
}
