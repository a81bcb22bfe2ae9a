using Tessera.Autograd;
using Tessera.NN;

namespace Tessera.Tests.Autograd;

/// <summary>
/// The engine hands gradient arrays it has consumed back to <see cref="BufferPool"/>. These graphs are large enough to be
/// pooled (odd lengths no other test uses) and share, alias and keep gradients in every way the engine must see.
/// </summary>
public class GradientRecyclingTests
{
    private const int Rows = 199, Cols = 211, N = Rows * Cols;   // 41,989 floats, above BufferPool.MinLength

    [Fact]
    public void GradientsStayExactWhenBuffersAreRecycled()
    {
        var gen = new Generator(7);
        var x = Tensor.Randn([N], gen).RequiresGrad_();
        var v = Tensor.Randn([Rows, Cols], gen);
        var c = Tensor.Randn([N], gen);
        var w = Tensor.Randn([Cols], gen).RequiresGrad_();
        float[] xv = x.ToArray(), vv = v.ToArray(), cv = c.ToArray(), wv = w.ToArray();

        var kept = new List<(float[] Array, float[] Copy)>();
        for (int iteration = 0; iteration < 4; iteration++)
        {
            x.Grad = null; w.Grad = null;
            var y = (x * 2f).RetainGrad();
            var s = y + y;                                  // one gradient sent to both inputs of one node
            var r = F.Reshape(s, [Rows, Cols]);             // a view: its gradient aliases the incoming one
            var t = r * v + r * w;                          // w broadcast over rows: its gradient is summed back
            var loss = F.Sum(t) + F.Sum(y * y) + F.Sum(x * c);
            loss.Backward();

            // dL/ds = v + w (per row), dL/dy = 2(v + w) + 2y, dL/dx = 2·dL/dy + c, dL/dw = Σ_rows s.
            var gx = x.Grad!.ToArray(); var gy = y.Grad!.ToArray(); var gw = w.Grad!.ToArray();
            for (int i = 0; i < N; i++)
            {
                double ds = vv[i] + wv[i % Cols], dy = 2 * ds + 2 * (2.0 * xv[i]);
                Assert.Equal(dy, gy[i], 1e-3);
                Assert.Equal(2 * dy + cv[i], gx[i], 1e-3);
            }
            for (int j = 0; j < Cols; j++)
            {
                double sum = 0;
                for (int i = 0; i < Rows; i++) sum += 4.0 * xv[i * Cols + j];
                Assert.Equal(sum, gw[j], 1e-2);
            }
            kept.Add((x.Grad!.FloatArray, gx)); kept.Add((y.Grad!.FloatArray, gy));
        }
        // The .Grad arrays of earlier passes escaped the engine: later passes never wrote into them.
        foreach (var (array, copy) in kept) Assert.Equal(copy, array);
        Assert.True(BufferPool.HeldCount(N) > 0, "the consumed gradients of length N went back to the pool");
    }

    [Fact]
    public void AGradientHeldByTwoNodesIsNotAccumulatedInPlace()
    {
        // z = a + b hands one gradient array to both a and b; each then gets a second contribution, which must not land in the other's.
        var gen = new Generator(9);
        var x = Tensor.Randn([N], gen).RequiresGrad_();
        var q = Tensor.Randn([N], gen);
        var c = Tensor.Randn([N], gen);
        var d = Tensor.Randn([N], gen);
        float[] Gradient(bool recycle, bool sumFirst)
        {
            Engine.KeepAllGradients = !recycle;
            try
            {
                x.Grad = null;
                var a = x * 3f; var b = x * 5f;
                Tensor viaSum = F.Sum((a + b) * q), viaEach = F.Sum(a * c + b * d);
                (sumFirst ? viaSum + viaEach : viaEach + viaSum).Backward();
                return x.Grad!.ToArray();
            }
            finally { Engine.KeepAllGradients = false; }
        }
        foreach (bool sumFirst in new[] { true, false })
        {
            var reference = Gradient(recycle: false, sumFirst);
            float[] qv = q.ToArray(), cv = c.ToArray(), dv = d.ToArray();
            for (int i = 0; i < N; i++) Assert.Equal(8.0 * qv[i] + 3.0 * cv[i] + 5.0 * dv[i], reference[i], 1e-4);
            Assert.Equal(reference, Gradient(recycle: true, sumFirst));
        }
    }

    [Fact]
    public void MultiOutputGradientsAreNotRecycledWhileParked()
    {
        // The LSTM's outputs park their gradients until the node they share runs. One term sends hn a gradient through a
        // product the size of the output, so arrays of that length are rented while the output's gradient is parked
        // (in either order of the terms: the engine walks the last input of a sum first).
        Generator.ManualSeed(3);
        var lstm = new LSTM(17, 113);
        var x = Tensor.Randn([13, 29, 17], new Generator(5)).RequiresGrad_();   // output 13·29·113 = 42,601 floats
        float[] Gradients(bool recycle, bool hnFirst)
        {
            Engine.KeepAllGradients = !recycle;
            try
            {
                x.Grad = null;
                foreach (var p in lstm.Parameters()) p.Grad = null;
                var (output, hn, _) = lstm.Forward(x, null, null);
                Tensor viaHn = F.Sum(hn * output.Detach()), viaOutput = F.Mean(output * output);
                (hnFirst ? viaHn + viaOutput : viaOutput + viaHn).Backward();
                return x.Grad!.ToArray().Concat(lstm.Parameters().SelectMany(p => p.Grad!.ToArray())).ToArray();
            }
            finally { Engine.KeepAllGradients = false; }
        }
        foreach (bool hnFirst in new[] { true, false })
        {
            var reference = Gradients(recycle: false, hnFirst);
            for (int iteration = 0; iteration < 3; iteration++) Assert.Equal(reference, Gradients(recycle: true, hnFirst));
        }
    }

    [Fact]
    public void ResidualNetworkGradientsMatchWithoutRecycling()
    {
        // Convolutions, batch norm, ReLU, pooling and a residual sum: every large gradient of a training step goes through the pool.
        Generator.ManualSeed(11);
        var block = new BasicBlock(8, 8);
        var x = Tensor.Randn([4, 8, 31, 37], new Generator(2)).RequiresGrad_();   // 36,704 floats per activation
        float[] Gradients(bool recycle)
        {
            Engine.KeepAllGradients = !recycle;
            try
            {
                x.Grad = null;
                foreach (var p in block.Parameters()) p.Grad = null;
                var y = block.Forward(x);
                (F.Mean(y * y) + F.Sum(F.MaxPool2d(y, 2))).Backward();
                return x.Grad!.ToArray().Concat(block.Parameters().SelectMany(p => p.Grad!.ToArray())).ToArray();
            }
            finally { Engine.KeepAllGradients = false; }
        }
        var reference = Gradients(recycle: false);
        for (int iteration = 0; iteration < 3; iteration++) Assert.Equal(reference, Gradients(recycle: true));
    }
}
