namespace Tessera.NN;

// Replication padding (torch.nn.ReplicationPad*d): the edge value repeated, x[clamp(j, 0, L−1)]; padding may
// exceed L. One number pads every side.

/// <summary>Replication-pads the last dim by [left, right]. Input [N, C, L].</summary>
public sealed class ReplicationPad1d(int[] padding) : PadNd(1, padding, PadMode.Replicate)
{
    public ReplicationPad1d(int padding) : this([padding]) { }
}

/// <summary>Replication-pads the last two dims by [left, right, top, bottom]. Input [N, C, H, W].</summary>
public sealed class ReplicationPad2d(int[] padding) : PadNd(2, padding, PadMode.Replicate)
{
    public ReplicationPad2d(int padding) : this([padding]) { }
}

/// <summary>Replication-pads the last three dims by [left, right, top, bottom, front, back]. Input [N, C, D, H, W].</summary>
public sealed class ReplicationPad3d(int[] padding) : PadNd(3, padding, PadMode.Replicate)
{
    public ReplicationPad3d(int padding) : this([padding]) { }
}
