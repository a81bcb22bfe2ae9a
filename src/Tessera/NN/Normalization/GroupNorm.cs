namespace Tessera.NN;

/// <summary>
/// Group normalisation (Wu &amp; He 2018), torch.nn.GroupNorm: the channels split into G contiguous groups; μ and
/// biased σ² per sample and group; y = (x − μ)/√(σ² + eps)·weight[c] + bias[c]. Independent of the batch size, so it
/// suits small batches (detection, segmentation). G = 1 is layer norm over (C, *), G = C is instance norm.
/// Input [N, C, *], output the same shape; weight [C] (ones), bias [C] (zeros) if affine.
/// </summary>
public sealed class GroupNorm : Module
{
    public int NumGroups { get; }
    public int NumChannels { get; }
    public double Eps { get; }
    public bool Affine { get; }
    public Parameter? Weight { get; }
    public Parameter? Bias { get; }

    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true)
    {
        if (numGroups <= 0 || numChannels <= 0 || numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: num_channels ({numChannels}) must be divisible by num_groups ({numGroups}), both positive");
        (NumGroups, NumChannels, Eps, Affine) = (numGroups, numChannels, eps, affine);
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numChannels));
            Bias = RegisterParameter("bias", Tensor.Zeros(numChannels));
        }
        else { RegisterNullParameter("weight"); RegisterNullParameter("bias"); }
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank < 2 || x.Dims[1] != NumChannels)
            throw new ArgumentException($"GroupNorm(num_channels={NumChannels}): input must be [N, {NumChannels}, *], got shape {ShapeUtil.Format(x.Dims)}");
        return F.GroupNorm(x, NumGroups, Weight, Bias, Eps);
    }

    public override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={Eps}, affine={Affine}";
}
