namespace Tessera.NN;

// Zero padding (torch.nn.ZeroPad*d): the border is filled with 0; negative padding crops. One number pads every side.

/// <summary>Zero-pads the last dim by [left, right]. Input [N, C, L].</summary>
public sealed class ZeroPad1d(int[] padding) : PadNd(1, padding, PadMode.Constant)
{
    public ZeroPad1d(int padding) : this([padding]) { }
}

/// <summary>Zero-pads the last two dims by [left, right, top, bottom]. Input [N, C, H, W].</summary>
public sealed class ZeroPad2d(int[] padding) : PadNd(2, padding, PadMode.Constant)
{
    public ZeroPad2d(int padding) : this([padding]) { }
}

/// <summary>Zero-pads the last three dims by [left, right, top, bottom, front, back]. Input [N, C, D, H, W].</summary>
public sealed class ZeroPad3d(int[] padding) : PadNd(3, padding, PadMode.Constant)
{
    public ZeroPad3d(int padding) : this([padding]) { }
}
