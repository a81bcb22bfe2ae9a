using Tessera.NN;

namespace Tessera.Conformance;

/// <summary>
/// The blocks family of the catalog (catalog/blocks.md): normalisation layers, dropout (eval), CNN building blocks
/// and XNOR-Net binary layers.
/// </summary>
internal static class BlocksOps
{
    public static void Register()
    {
        OpRegistry.Add("BatchNorm1d", (c, _) => OpRegistry.Layer(new BatchNorm1d(c.Int("num_features"), c.Double("eps", 1e-5), Momentum(c), c.Bool("affine", true), c.Bool("track_running_stats", true))));
        OpRegistry.Add("BatchNorm2d", (c, _) => OpRegistry.Layer(new BatchNorm2d(c.Int("num_features"), c.Double("eps", 1e-5), Momentum(c), c.Bool("affine", true), c.Bool("track_running_stats", true))));
        OpRegistry.Add("BatchNorm3d", (c, _) => OpRegistry.Layer(new BatchNorm3d(c.Int("num_features"), c.Double("eps", 1e-5), Momentum(c), c.Bool("affine", true), c.Bool("track_running_stats", true))));
        OpRegistry.Add("LayerNorm", (c, _) => OpRegistry.Layer(new LayerNorm(c.Ints("normalized_shape"), c.Double("eps", 1e-5), c.Bool("elementwise_affine", true))));
        OpRegistry.Add("InstanceNorm1d", (c, _) => OpRegistry.Layer(new InstanceNorm1d(c.Int("num_features"), c.Double("eps", 1e-5), c.Double("momentum", 0.1), c.Bool("affine", false), c.Bool("track_running_stats", false))));
        OpRegistry.Add("InstanceNorm2d", (c, _) => OpRegistry.Layer(new InstanceNorm2d(c.Int("num_features"), c.Double("eps", 1e-5), c.Double("momentum", 0.1), c.Bool("affine", false), c.Bool("track_running_stats", false))));
        OpRegistry.Add("GroupNorm", (c, _) => OpRegistry.Layer(new GroupNorm(c.Int("num_groups"), c.Int("num_channels"), c.Double("eps", 1e-5), c.Bool("affine", true))));
        OpRegistry.Add("LocalResponseNorm", (c, _) => OpRegistry.Layer(new LocalResponseNorm(c.Int("size"), c.Double("alpha", 1e-4), c.Double("beta", 0.75), c.Double("k", 1.0))));

        OpRegistry.Add("Dropout", (c, _) => OpRegistry.Layer(new Dropout(c.Float("p", 0.5f))));
        OpRegistry.Add("Dropout2d", (c, _) => OpRegistry.Layer(new Dropout2d(c.Float("p", 0.5f))));
        OpRegistry.Add("AlphaDropout", (c, _) => OpRegistry.Layer(new AlphaDropout(c.Float("p", 0.5f))));

        OpRegistry.Add("BasicBlock", (c, _) => OpRegistry.Layer(new BasicBlock(c.Int("inplanes"), c.Int("planes"), c.Int("stride", 1), c.Bool("downsample", false),
            c.Int("groups", 1), c.Int("base_width", 64), c.Int("dilation", 1))));
        OpRegistry.Add("Bottleneck", (c, _) => OpRegistry.Layer(new Bottleneck(c.Int("inplanes"), c.Int("planes"), c.Int("stride", 1), c.Bool("downsample", false),
            c.Int("groups", 1), c.Int("base_width", 64), c.Int("dilation", 1))));
        OpRegistry.Add("ResNeXtBlock", (c, _) => OpRegistry.Layer(new ResNeXtBlock(c.Int("inplanes"), c.Int("planes"), c.Int("stride", 1), c.Bool("downsample", false),
            c.Int("groups", 1), c.Int("base_width", 64), c.Int("dilation", 1))));
        OpRegistry.Add("PreActBlock", (c, _) => OpRegistry.Layer(new PreActBlock(c.Int("inplanes"), c.Int("planes"), c.Int("stride", 1))));
        OpRegistry.Add("InceptionModule", (c, _) => OpRegistry.Layer(new InceptionModule(c.Int("in_channels"), c.Int("ch1x1"), c.Int("ch3x3red"), c.Int("ch3x3"),
            c.Int("ch5x5red"), c.Int("ch5x5"), c.Int("pool_proj"))));
        OpRegistry.Add("NaiveInception", (c, _) => OpRegistry.Layer(new NaiveInception(c.Int("in_channels"), c.Int("ch1x1"), c.Int("ch3x3"), c.Int("ch5x5"))));
        OpRegistry.Add("ShuffleNetUnit", (c, _) => OpRegistry.Layer(new ShuffleNetUnit(c.Int("in_channels"), c.Int("out_channels"), c.Int("groups"), c.Int("stride"))));
        OpRegistry.Add("ShuffleNetV2InvertedResidual", (c, _) => OpRegistry.Layer(new ShuffleNetV2InvertedResidual(c.Int("inp"), c.Int("oup"), c.Int("stride"))));
        OpRegistry.Add("MobileNetBlock", (c, _) => OpRegistry.Layer(new MobileNetBlock(c.Int("in_channels"), c.Int("out_channels"), c.Int("stride", 1))));
        OpRegistry.Add("MobileNetV2InvertedResidual", (c, _) => OpRegistry.Layer(new MobileNetV2InvertedResidual(c.Int("inp"), c.Int("oup"), c.Int("stride"), c.Double("expand_ratio"))));
        OpRegistry.Add("SqueezeExcitation", (c, _) => OpRegistry.Layer(new SqueezeExcitation(c.Int("input_channels"), c.Int("squeeze_channels"))));
        OpRegistry.Add("TemporalBlock", (c, _) => OpRegistry.Layer(new TemporalBlock(c.Int("n_inputs"), c.Int("n_outputs"), c.Int("kernel_size"), c.Int("dilation", 1))));

        OpRegistry.Add("BinaryWeightConv2d", (c, _) => OpRegistry.Layer(new BinaryWeightConv2d(c.Int("in_channels"), c.Int("out_channels"), Pair(c, "kernel_size", null),
            Pair(c, "stride", 1), Pair(c, "padding", 0), Pair(c, "dilation", 1), c.Int("groups", 1), c.Bool("bias", true))));
        OpRegistry.Add("XnorConv2d", (c, _) => OpRegistry.Layer(new XnorConv2d(c.Int("in_channels"), c.Int("out_channels"), Pair(c, "kernel_size", null),
            Pair(c, "stride", 1), Pair(c, "padding", 0), Pair(c, "dilation", 1), c.Bool("bias", true))));
        OpRegistry.Add("BinaryLinear", (c, _) => OpRegistry.Layer(new BinaryLinear(c.Int("in_features"), c.Int("out_features"), c.Bool("bias", true))));
    }

    /// <summary>An int or [h, w] config value as a Size2; a missing key takes <paramref name="fallback"/> (required when null).</summary>
    private static Size2 Pair(CaseConfig c, string key, int? fallback)
    {
        if (!c.Has(key) && fallback is int f) { c.Accept(key); return f; }
        var v = c.Ints(key, 2);
        if (v.Length != 2) throw new ArgumentException($"config '{key}' must be an int or a pair, got {v.Length} values");
        return (v[0], v[1]);
    }

    /// <summary>BatchNorm's momentum: absent → 0.1, null → a cumulative average (null), else the number.</summary>
    private static double? Momentum(CaseConfig c)
    {
        if (c.Has("momentum")) return c.Double("momentum");
        try { c.Raw("momentum"); return null; }          // present and null
        catch (KeyNotFoundException) { return 0.1; }     // absent: PyTorch's default
    }
}
