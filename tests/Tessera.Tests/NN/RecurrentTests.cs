using Tessera.NN;

namespace Tessera.Tests.NN;

/// <summary>What the conformance cases cannot express: parameter names and initialisation, very long unrolls, the inference path, modes and errors.</summary>
public class RecurrentTests
{
    [Fact]
    public void StackParametersHavePyTorchNamesShapesAndInit()
    {
        var lstm = new LSTM(3, 5, numLayers: 2, bidirectional: true);
        var names = lstm.StateDict().Keys.ToList();
        string[] expected =
        [
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
            "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
            "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
        ];
        Assert.Equal(expected, names);
        Assert.Equal([20, 3], lstm.StateDict()["weight_ih_l0"].Shape);
        Assert.Equal([20, 10], lstm.StateDict()["weight_ih_l1_reverse"].Shape);
        Assert.Equal([20, 5], lstm.StateDict()["weight_hh_l1"].Shape);
        // U(−1/√H, 1/√H), and spread over that range
        double k = 1 / Math.Sqrt(5);
        var all = lstm.Parameters().SelectMany(p => p.ToArray()).ToArray();
        Assert.All(all, v => Assert.InRange(v, -k, k));
        Assert.True(all.Max() > 0.9 * k && all.Min() < -0.9 * k);

        var gru = new GRU(4, 3, bias: false);
        Assert.Equal(["weight_ih_l0", "weight_hh_l0"], gru.StateDict().Keys.ToList());
        Assert.Equal([9, 4], gru.StateDict()["weight_ih_l0"].Shape);
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], new LSTMCell(2, 3).StateDict().Keys.ToList());
        Assert.Equal([12, 2], new LSTMCell(2, 3).WeightIh.Shape);
    }

    [Fact]
    public void BackpropagationThroughFiveThousandStepsDoesNotOverflowAndMatchesTheUnrolledCell()
    {
        const int T = 5000, N = 2, I = 3, H = 4;
        Generator.ManualSeed(21);
        var layer = new LSTM(I, H);
        var cell = new LSTMCell(I, H);
        cell.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight_ih"] = layer.Weights[0].WeightIh, ["weight_hh"] = layer.Weights[0].WeightHh,
            ["bias_ih"] = layer.Weights[0].BiasIh!, ["bias_hh"] = layer.Weights[0].BiasHh!,
        });
        var x = Tensor.Randn([T, N, I], new Generator(22)).RequiresGrad_();

        // The fused layer: one node, BPTT runs in its backward loop.
        var (y, hn, _) = layer.Forward(x, null, null);
        F.Add(F.Sum(F.Mul(y, y)), F.Sum(hn)).Backward();
        var layerGrad = layer.Weights[0].WeightHh.Grad!.ToArray();
        var xGrad = x.Grad!.ToArray();
        x.Grad = null;

        // The same model unrolled step by step: tens of thousands of nodes; the engine's walk is iterative.
        Tensor? h = null, c = null;
        var outputs = new List<Tensor>();
        foreach (var xt in F.Unbind(x, 0))
        {
            (h, c) = cell.Forward(xt, h, c);
            outputs.Add(h);
        }
        var yu = F.Stack(outputs, 0);
        F.Add(F.Sum(F.Mul(yu, yu)), F.Sum(h!)).Backward();

        Assert.All(layerGrad, v => Assert.True(float.IsFinite(v)));
        var cellGrad = cell.WeightHh.Grad!.ToArray();
        for (int i = 0; i < layerGrad.Length; i++)
            Assert.True(Math.Abs(layerGrad[i] - cellGrad[i]) <= 1e-3 * (1 + Math.Abs(layerGrad[i])), $"dW_hh[{i}]: fused {layerGrad[i]}, unrolled {cellGrad[i]}");
        var xGradUnrolled = x.Grad!.ToArray();
        for (int i = 0; i < xGrad.Length; i += 97)
            Assert.True(Math.Abs(xGrad[i] - xGradUnrolled[i]) <= 1e-4 * (1 + Math.Abs(xGrad[i])), $"dx[{i}]: fused {xGrad[i]}, unrolled {xGradUnrolled[i]}");
    }

    [Fact]
    public void InferenceRecordsNoGraph()
    {
        var lstm = new LSTM(4, 6, numLayers: 2);
        var x = Tensor.Randn([7, 1, 4]);
        Tensor y;
        using (GradMode.NoGrad()) y = lstm.Forward(x);
        Assert.True(y.IsLeaf);
        Assert.False(y.RequiresGrad);
        var withGrad = lstm.Forward(x);
        Assert.True(withGrad.RequiresGrad);
        Assert.Equal(withGrad.ToArray(), y.ToArray());   // saving the tape or not, the values are the same
    }

    [Fact]
    public void InterLayerDropoutActsOnlyInTraining()
    {
        Generator.ManualSeed(4);
        var noisy = new LSTM(3, 8, numLayers: 2, dropout: 0.5f);
        var clean = new LSTM(3, 8, numLayers: 2);
        clean.LoadStateDict(noisy.StateDict());
        var x = Tensor.Randn([5, 2, 3]);
        Assert.NotEqual(clean.Forward(x).ToArray(), noisy.Forward(x).ToArray());
        noisy.Eval();
        Assert.Equal(clean.Forward(x).ToArray(), noisy.Forward(x).ToArray());
    }

    [Fact]
    public void LengthsFreezeTheStateAndZeroTheOutputs()
    {
        Generator.ManualSeed(8);
        var gru = new GRU(2, 3, batchFirst: true, bidirectional: true);
        var x = Tensor.Randn([2, 6, 2]);
        var (y, hn) = gru.Forward(x, null, Tensor.FromLongs([4, 6]));
        // Row 0 sees only its first 4 steps: the same as running those 4 steps alone.
        var (y0, h0) = gru.Forward(F.Narrow(F.Narrow(x, 0, 0, 1), 1, 0, 4), null);
        var row0 = F.Narrow(y, 0, 0, 1);
        Assert.Equal(y0.ToArray(), F.Narrow(row0, 1, 0, 4).ToArray());
        Assert.All(F.Narrow(row0, 1, 4, 2).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(F.Narrow(h0, 1, 0, 1).ToArray(), F.Narrow(hn, 1, 0, 1).ToArray());
    }

    [Fact]
    public void BadInputsNameTheLayerAndTheShapes()
    {
        var lstm = new LSTM(8, 4, numLayers: 2);
        var e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(3, 2, 5)));
        Assert.Contains("LSTM(input_size=8, hidden_size=4, num_layers=2)", e.Message);
        Assert.Contains("input has 5 features, expected 8 (shape [3, 2, 5]", e.Message);

        e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(3, 2, 8), Tensor.Zeros(1, 2, 4), null));
        Assert.Contains("h0 must be float32 [2, 2, 4]", e.Message);
        Assert.Contains("got float32 [1, 2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(3, 2, 8), null, Tensor.Zeros(2, 3, 4)));
        Assert.Contains("c0 must be float32 [2, 2, 4]", e.Message);

        e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(3, 2, 8), null, null, Tensor.FromLongs([2, 5])));
        Assert.Contains("lengths[1] = 5 is outside 1..3", e.Message);
        Assert.Contains("LSTM(input_size=8", e.Message);
        e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(3, 2, 8), null, null, Tensor.FromLongs([0, 2])));
        Assert.Contains("lengths[0] = 0 is outside 1..3", e.Message);
        e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(3, 2, 8), null, null, Tensor.FromLongs([1, 2, 3])));
        Assert.Contains("lengths has 3 entries but the batch has 2 rows", e.Message);
        e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(3, 8)));
        Assert.Contains("input must be [time, batch, input_size] (3 dims), got shape [3, 8]", e.Message);

        var gru = new GRU(3, 2, batchFirst: true);
        e = Assert.Throws<ArgumentException>(() => gru.Forward(Tensor.Zeros(4, 5, 2)));
        Assert.Contains("GRU(input_size=3, hidden_size=2, batch_first=True): input has 2 features, expected 3 (shape [4, 5, 2], [batch, time, input_size])", e.Message);

        e = Assert.Throws<ArgumentException>(() => new LSTMCell(3, 4).Forward(Tensor.Zeros(2, 3), Tensor.Zeros(2, 4), Tensor.Zeros(3, 4)));
        Assert.Contains("LSTMCell(input_size=3, hidden_size=4): c must be [2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RNNCell(3, 4).Forward(Tensor.Zeros(2, 5)));
        Assert.Contains("RNNCell(input_size=3, hidden_size=4): input has 5 features, expected 3 (shape [2, 5])", e.Message);

        e = Assert.Throws<ArgumentException>(() => new ConvLSTM2d(2, 3, 3).Forward(Tensor.Zeros(4, 1, 3, 5, 5)));
        Assert.Contains("ConvLSTM2d(input_channels=2, hidden_channels=3): input has 3 channels, expected 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ConvLSTM2d(2, 3, 2));
        Assert.Contains("does not keep the spatial size", e.Message);
        e = Assert.Throws<ArgumentException>(() => new PeepholeLSTM(2, 3).Forward(Tensor.Zeros(4, 2, 2), Tensor.Zeros(2, 3), null));
        Assert.Contains("PeepholeLSTM(input_size=2, hidden_size=3): h0 must be float32 [1, 2, 3]", e.Message);

        var tree = new RecursiveNN(2);
        e = Assert.Throws<ArgumentException>(() => tree.Forward(Tensor.Zeros(3, 2), Tensor.FromLongs([0, 1, 3, 3], 2, 2)));
        Assert.Contains("tree[1, 1] = 3 is already a child", e.Message);
        e = Assert.Throws<ArgumentException>(() => tree.Forward(Tensor.Zeros(3, 2), Tensor.FromLongs([0, 4, 3, 2], 2, 2)));
        Assert.Contains("tree[0, 1] = 4 must name a leaf (0..2) or an earlier node", e.Message);
    }

    [Fact]
    public void BidirectionalWrapperEqualsABidirectionalStackForOneLayer()
    {
        Generator.ManualSeed(12);
        var wrapper = new Bidirectional(() => new GRU(3, 4), "concat");
        var stack = new GRU(3, 4, bidirectional: true);
        var state = new Dictionary<string, Tensor>();
        foreach (var (n, p) in wrapper.ForwardLayer.NamedParameters()) state[n] = p;
        foreach (var (n, p) in wrapper.BackwardLayer.NamedParameters()) state[n + "_reverse"] = p;
        stack.LoadStateDict(state);
        var x = Tensor.Randn([5, 2, 3]);
        var a = wrapper.Forward(x).ToArray(); var b = stack.Forward(x).ToArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 5);
    }

    [Fact]
    public void TimeDistributedAppliesTheLayerAtEveryStep()
    {
        Generator.ManualSeed(13);
        var td = new TimeDistributed(new Linear(4, 2));
        var x = Tensor.Randn([3, 5, 4]);
        var y = td.Forward(x);
        Assert.Equal([3, 5, 2], y.Shape);
        var one = td.Layer.Forward(F.Reshape(F.Narrow(F.Narrow(x, 0, 1, 1), 1, 3, 1), 1, 4));
        Assert.Equal(one.ToArray(), F.Narrow(F.Narrow(y, 0, 1, 1), 1, 3, 1).ToArray());
    }
}
