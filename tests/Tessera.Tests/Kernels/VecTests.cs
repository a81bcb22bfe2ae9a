using Tessera.Kernels;

namespace Tessera.Tests.Kernels;

public class VecTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(1000)]
    public void ZeroWhereNotPositiveMatchesTheThresholdLoop(int n)
    {
        var gen = new Generator(4);
        var x = Tensor.Randn([n], gen).ToArray(); var g = Tensor.Randn([n], gen).ToArray();
        if (n > 3) { x[0] = 0f; x[1] = -0f; x[2] = float.NaN; x[3] = float.Epsilon; }
        var o = new float[n];
        Vec.ZeroWhereNotPositive(x, g, o);
        for (int i = 0; i < n; i++) Assert.Equal(x[i] <= 0 ? 0f : g[i], o[i]);   // NaN passes its gradient, as PyTorch's threshold_backward
    }
}
