using System.Text.Json;
using Tessera.NN;

namespace Tessera.Conformance;

/// <summary>
/// The convolution family of the catalog (catalog/conv.md): convolutions, pooling, RoI pooling, up-sampling, padding
/// and reshaping layers. Per-dim keys are lists; Conv padding may also be "same" or "valid".
/// </summary>
internal static class ConvOps
{
    public static void Register()
    {
        OpRegistry.Add("Conv1d", (c, _) => Layer(new Conv1d(c.Int("in_channels"), c.Int("out_channels"), c.Ints("kernel_size")[0], Ints(c, "stride", 1, 1)[0],
            ConvPad(c), Ints(c, "dilation", 1, 1)[0], c.Int("groups", 1), c.Bool("bias", true), PaddingMode(c))));
        OpRegistry.Add("Conv2d", (c, _) => Layer(new Conv2d(c.Int("in_channels"), c.Int("out_channels"), S2(c.Ints("kernel_size", 2)), S2(Ints(c, "stride", 2, 1)),
            ConvPad(c), S2(Ints(c, "dilation", 2, 1)), c.Int("groups", 1), c.Bool("bias", true), PaddingMode(c))));
        OpRegistry.Add("Conv3d", (c, _) => Layer(new Conv3d(c.Int("in_channels"), c.Int("out_channels"), S3(c.Ints("kernel_size", 3)), S3(Ints(c, "stride", 3, 1)),
            ConvPad(c), S3(Ints(c, "dilation", 3, 1)), c.Int("groups", 1), c.Bool("bias", true), PaddingMode(c))));

        OpRegistry.Add("ConvTranspose1d", (c, _) => Layer(new ConvTranspose1d(c.Int("in_channels"), c.Int("out_channels"), c.Ints("kernel_size")[0],
            Ints(c, "stride", 1, 1)[0], Ints(c, "padding", 1, 0)[0], Ints(c, "output_padding", 1, 0)[0], c.Int("groups", 1), c.Bool("bias", true), Ints(c, "dilation", 1, 1)[0])));
        OpRegistry.Add("ConvTranspose2d", (c, _) => Layer(new ConvTranspose2d(c.Int("in_channels"), c.Int("out_channels"), S2(c.Ints("kernel_size", 2)),
            S2(Ints(c, "stride", 2, 1)), S2(Ints(c, "padding", 2, 0)), S2(Ints(c, "output_padding", 2, 0)), c.Int("groups", 1), c.Bool("bias", true), S2(Ints(c, "dilation", 2, 1)))));
        OpRegistry.Add("ConvTranspose3d", (c, _) => Layer(new ConvTranspose3d(c.Int("in_channels"), c.Int("out_channels"), S3(c.Ints("kernel_size", 3)),
            S3(Ints(c, "stride", 3, 1)), S3(Ints(c, "padding", 3, 0)), S3(Ints(c, "output_padding", 3, 0)), c.Int("groups", 1), c.Bool("bias", true), S3(Ints(c, "dilation", 3, 1)))));

        OpRegistry.Add("DepthwiseSeparableConv2d", (c, _) => Layer(new DepthwiseSeparableConv2d(c.Int("in_channels"), c.Int("out_channels"), S2(c.Ints("kernel_size", 2)),
            S2(Ints(c, "stride", 2, 1)), S2(Ints(c, "padding", 2, 0)), S2(Ints(c, "dilation", 2, 1)), c.Int("depth_multiplier", 1), c.Bool("bias", true))));
        OpRegistry.Add("FlattenedConv2d", (c, _) => Layer(new FlattenedConv2d(c.Int("in_channels"), c.Int("out_channels"), c.Int("kernel_size"), c.Int("padding", 0))));
        OpRegistry.Add("TiledConv2d", (c, _) => Layer(new TiledConv2d(c.Int("in_channels"), c.Int("out_channels"), S2(c.Ints("kernel_size", 2)),
            S2(Ints(c, "stride", 2, 1)), S2(Ints(c, "padding", 2, 0)), S2(c.Ints("tiles", 2)), c.Bool("bias", true))));
        OpRegistry.Add("LocallyConnected2d", (c, _) => Layer(new LocallyConnected2d(c.Int("in_channels"), c.Int("out_channels"), S2(c.Ints("input_size", 2)),
            S2(c.Ints("kernel_size", 2)), S2(Ints(c, "stride", 2, 1)), S2(Ints(c, "padding", 2, 0)), c.Bool("bias", true))));
        OpRegistry.Add("DeformableConv2d", (c, _) => Layer(new DeformableConv2d(c.Int("in_channels"), c.Int("out_channels"), S2(c.Ints("kernel_size", 2)),
            S2(Ints(c, "stride", 2, 1)), S2(Ints(c, "padding", 2, 0)), S2(Ints(c, "dilation", 2, 1)), c.Bool("bias", true))));

        for (int d = 1; d <= 3; d++)
        {
            int dims = d;
            OpRegistry.Add($"MaxPool{d}d", (c, _) => MaxPool(c, dims));
            OpRegistry.Add($"AvgPool{d}d", (c, _) => AvgPool(c, dims));
        }
        OpRegistry.Add("AdaptiveAvgPool1d", (c, _) => Layer(new AdaptiveAvgPool1d(c.Ints("output_size")[0])));
        OpRegistry.Add("AdaptiveAvgPool2d", (c, _) => Layer(new AdaptiveAvgPool2d(S2(c.Ints("output_size", 2)))));
        OpRegistry.Add("AdaptiveAvgPool3d", (c, _) => Layer(new AdaptiveAvgPool3d(S3(c.Ints("output_size", 3)))));
        OpRegistry.Add("AdaptiveMaxPool1d", (c, _) => Layer(new AdaptiveMaxPool1d(c.Ints("output_size")[0])));
        OpRegistry.Add("AdaptiveMaxPool2d", (c, _) => Layer(new AdaptiveMaxPool2d(S2(c.Ints("output_size", 2)))));
        OpRegistry.Add("AdaptiveMaxPool3d", (c, _) => Layer(new AdaptiveMaxPool3d(S3(c.Ints("output_size", 3)))));
        OpRegistry.Add("LPPool1d", (c, _) =>
        {
            var k = c.Ints("kernel_size")[0];
            return Layer(new LPPool1d(c.Float("norm_type"), k, Ints(c, "stride", 1, k)[0], c.Bool("ceil_mode", false)));
        });
        OpRegistry.Add("LPPool2d", (c, _) =>
        {
            var k = S2(c.Ints("kernel_size", 2));
            return Layer(new LPPool2d(c.Float("norm_type"), k, c.Has("stride") ? S2(c.Ints("stride", 2)) : Accept(c, "stride", k), c.Bool("ceil_mode", false)));
        });
        OpRegistry.Add("GlobalAvgPool2d", (_, _) => Layer(new GlobalAvgPool2d()));
        OpRegistry.Add("GlobalMaxPool2d", (_, _) => Layer(new GlobalMaxPool2d()));
        OpRegistry.Add("RoIPool", (c, _) =>
        {
            var m = new RoIPool(S2(c.Ints("output_size", 2)), c.Float("spatial_scale", 1f));
            return new BuiltOp(m, xs => [m.Forward(OpRegistry.Input(xs, 0, "RoIPool"), OpRegistry.Input(xs, 1, "RoIPool"))]);
        });
        OpRegistry.Add("RoIAlign", (c, _) =>
        {
            var m = new RoIAlign(S2(c.Ints("output_size", 2)), c.Float("spatial_scale", 1f), c.Int("sampling_ratio", -1), c.Bool("aligned", false));
            return new BuiltOp(m, xs => [m.Forward(OpRegistry.Input(xs, 0, "RoIAlign"), OpRegistry.Input(xs, 1, "RoIAlign"))]);
        });

        OpRegistry.Add("Upsample", (c, _) =>
        {
            int[]? size = c.Has("size") ? c.Ints("size") : Accept<int[]?>(c, "size", null);
            double[]? scale = c.Has("scale_factor") ? c.Raw("scale_factor").EnumerateArray().Select(e => e.GetDouble()).ToArray() : Accept<double[]?>(c, "scale_factor", null);
            bool? align = c.Has("align_corners") ? c.Bool("align_corners", false) : Accept<bool?>(c, "align_corners", null);
            return Layer(new Upsample(size, scale, c.String("mode", "nearest"), align));
        });
        OpRegistry.Add("ZeroPad1d", (c, _) => Layer(new ZeroPad1d(c.Ints("padding", 2))));
        OpRegistry.Add("ZeroPad2d", (c, _) => Layer(new ZeroPad2d(c.Ints("padding", 4))));
        OpRegistry.Add("ZeroPad3d", (c, _) => Layer(new ZeroPad3d(c.Ints("padding", 6))));
        OpRegistry.Add("ConstantPad1d", (c, _) => Layer(new ConstantPad1d(c.Ints("padding", 2), c.Float("value"))));
        OpRegistry.Add("ConstantPad2d", (c, _) => Layer(new ConstantPad2d(c.Ints("padding", 4), c.Float("value"))));
        OpRegistry.Add("ConstantPad3d", (c, _) => Layer(new ConstantPad3d(c.Ints("padding", 6), c.Float("value"))));
        OpRegistry.Add("ReflectionPad1d", (c, _) => Layer(new ReflectionPad1d(c.Ints("padding", 2))));
        OpRegistry.Add("ReflectionPad2d", (c, _) => Layer(new ReflectionPad2d(c.Ints("padding", 4))));
        OpRegistry.Add("ReflectionPad3d", (c, _) => Layer(new ReflectionPad3d(c.Ints("padding", 6))));
        OpRegistry.Add("ReplicationPad1d", (c, _) => Layer(new ReplicationPad1d(c.Ints("padding", 2))));
        OpRegistry.Add("ReplicationPad2d", (c, _) => Layer(new ReplicationPad2d(c.Ints("padding", 4))));
        OpRegistry.Add("ReplicationPad3d", (c, _) => Layer(new ReplicationPad3d(c.Ints("padding", 6))));

        OpRegistry.Add("Flatten", (c, _) => Layer(new Flatten(c.Int("start_dim", 1), c.Int("end_dim", -1))));
        OpRegistry.Add("Unflatten", (c, _) => Layer(new Unflatten(c.Int("dim"), c.Ints("unflattened_size"))));
        OpRegistry.Add("PixelShuffle", (c, _) => Layer(new PixelShuffle(c.Int("upscale_factor"))));
        OpRegistry.Add("PixelUnshuffle", (c, _) => Layer(new PixelUnshuffle(c.Int("downscale_factor"))));
        OpRegistry.Add("ChannelShuffle", (c, _) => Layer(new ChannelShuffle(c.Int("groups"))));
        OpRegistry.Add("Unfold", (c, _) => Layer(new Unfold(S2(c.Ints("kernel_size", 2)), S2(Ints(c, "dilation", 2, 1)), S2(Ints(c, "padding", 2, 0)), S2(Ints(c, "stride", 2, 1)))));
        OpRegistry.Add("Fold", (c, _) => Layer(new Fold(S2(c.Ints("output_size", 2)), S2(c.Ints("kernel_size", 2)), S2(Ints(c, "dilation", 2, 1)),
            S2(Ints(c, "padding", 2, 0)), S2(Ints(c, "stride", 2, 1)))));
    }

    private static BuiltOp MaxPool(CaseConfig c, int dims)
    {
        var k = c.Ints("kernel_size", dims);
        int[] s = c.Has("stride") ? c.Ints("stride", dims) : Accept(c, "stride", k), p = Ints(c, "padding", dims, 0), d = Ints(c, "dilation", dims, 1);
        bool ceil = c.Bool("ceil_mode", false), indices = c.Bool("return_indices", false);
        Module m = dims switch
        {
            1 => new MaxPool1d(k[0], s[0], p[0], d[0], ceil),
            2 => new MaxPool2d(S2(k), S2(s), S2(p), S2(d), ceil),
            _ => new MaxPool3d(S3(k), S3(s), S3(p), S3(d), ceil),
        };
        if (!indices) return Layer(m);
        return new BuiltOp(m, xs =>
        {
            var (values, idx) = F.MaxPoolWithIndices(OpRegistry.Input(xs, 0, m.Name), k, s, p, d, ceil);
            return [values, idx];
        });
    }

    private static BuiltOp AvgPool(CaseConfig c, int dims)
    {
        var k = c.Ints("kernel_size", dims);
        int[] s = c.Has("stride") ? c.Ints("stride", dims) : Accept(c, "stride", k), p = Ints(c, "padding", dims, 0);
        bool ceil = c.Bool("ceil_mode", false), include = c.Bool("count_include_pad", true);
        int? divisor = dims > 1 ? c.IntOrNull("divisor_override") : null;
        return Layer(dims switch
        {
            1 => new AvgPool1d(k[0], s[0], p[0], ceil, include),
            2 => new AvgPool2d(S2(k), S2(s), S2(p), ceil, include, divisor),
            _ => new AvgPool3d(S3(k), S3(s), S3(p), ceil, include, divisor),
        });
    }

    private static BuiltOp Layer(Module m) => OpRegistry.Layer(m);

    /// <summary>A per-dim list key, or <paramref name="fill"/> in every dim when absent or null.</summary>
    private static int[] Ints(CaseConfig c, string key, int dims, int fill)
        => c.Has(key) ? c.Ints(key, dims) : Accept(c, key, Enumerable.Repeat(fill, dims).ToArray());

    private static T Accept<T>(CaseConfig c, string key, T value) { c.Accept(key); return value; }

    private static Size2 S2(int[] v) => v.Length == 2 ? (v[0], v[1]) : throw new ArgumentException($"expected 2 entries per dim, got {ShapeUtil.Format(v)}");
    private static Size3 S3(int[] v) => v.Length == 3 ? (v[0], v[1], v[2]) : throw new ArgumentException($"expected 3 entries per dim, got {ShapeUtil.Format(v)}");

    /// <summary>Conv padding: a list of ints, or "same" / "valid".</summary>
    private static ConvPadding ConvPad(CaseConfig c)
    {
        if (!c.Has("padding")) { c.Accept("padding"); return default; }
        var v = c.Raw("padding");
        return v.ValueKind == JsonValueKind.String ? (ConvPadding)v.GetString()! : ConvPadding.Of(c.Ints("padding"));
    }

    private static PadMode PaddingMode(CaseConfig c) => PadModes.Parse(c.String("padding_mode", "zeros"));
}
