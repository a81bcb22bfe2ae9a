namespace Tessera.NN;

// Reflection padding (torch.nn.ReflectionPad*d): position j reads x[−j] before the start and x[2(L−1)−j]
// past the end, the mirror image without repeating the edge (padding ≤ L − 1). It avoids the dark frame zero padding
// puts around an image. One number pads every side.

/// <summary>Reflection-pads the last dim by [left, right]. Input [N, C, L].</summary>
public sealed class ReflectionPad1d(int[] padding) : PadNd(1, padding, PadMode.Reflect)
{
    public ReflectionPad1d(int padding) : this([padding]) { }
}

/// <summary>Reflection-pads the last two dims by [left, right, top, bottom]. Input [N, C, H, W].</summary>
public sealed class ReflectionPad2d(int[] padding) : PadNd(2, padding, PadMode.Reflect)
{
    public ReflectionPad2d(int padding) : this([padding]) { }
}

/// <summary>Reflection-pads the last three dims by [left, right, top, bottom, front, back]. Input [N, C, D, H, W].</summary>
public sealed class ReflectionPad3d(int[] padding) : PadNd(3, padding, PadMode.Reflect)
{
    public ReflectionPad3d(int padding) : this([padding]) { }
}
