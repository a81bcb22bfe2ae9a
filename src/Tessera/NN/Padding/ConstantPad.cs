namespace Tessera.NN;

// Constant padding (torch.nn.ConstantPad*d): the border is filled with a value; negative padding crops. One number pads every side.

/// <summary>Pads with a constant the last dim by [left, right]. Input [N, C, L].</summary>
public sealed class ConstantPad1d(int[] padding, float value) : PadNd(1, padding, PadMode.Constant, value)
{
    public ConstantPad1d(int padding, float value) : this([padding], value) { }
}

/// <summary>Pads with a constant the last two dims by [left, right, top, bottom]. Input [N, C, H, W].</summary>
public sealed class ConstantPad2d(int[] padding, float value) : PadNd(2, padding, PadMode.Constant, value)
{
    public ConstantPad2d(int padding, float value) : this([padding], value) { }
}

/// <summary>Pads with a constant the last three dims by [left, right, top, bottom, front, back]. Input [N, C, D, H, W].</summary>
public sealed class ConstantPad3d(int[] padding, float value) : PadNd(3, padding, PadMode.Constant, value)
{
    public ConstantPad3d(int padding, float value) : this([padding], value) { }
}
