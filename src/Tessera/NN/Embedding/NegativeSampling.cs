namespace Tessera.NN;

/// <summary>
/// Skip-gram with negative sampling (Mikolov et al. 2013, eq. 4), negatives given by the caller:
/// h_n = v[center[n]]; loss = (1/N) Σ_n −[log σ(u[context[n]] · h_n) + Σ_k log σ(−u[negatives[n, k]] · h_n)].
/// in_embed.weight [V, d] holds the input vectors v, out_embed.weight [V, d] the output vectors u. Initialised as
/// word2vec.c: v ~ U(−0.5/d, 0.5/d), u = 0. center, context int64 [N], negatives int64 [N, K] → loss [].
/// </summary>
public class NegativeSamplingLoss : Module
{
    public Embedding InEmbed { get; }
    public Embedding OutEmbed { get; }

    public NegativeSamplingLoss(int numEmbeddings, int embeddingDim)
    {
        InEmbed = RegisterModule("in_embed", new Embedding(numEmbeddings, embeddingDim));
        OutEmbed = RegisterModule("out_embed", new Embedding(numEmbeddings, embeddingDim));
        Init.Uniform(InEmbed.Weight, -0.5 / embeddingDim, 0.5 / embeddingDim);
        Init.Zeros(OutEmbed.Weight);
    }

    /// <summary>Skip-gram: the centre word predicts its context word.</summary>
    public virtual Tensor Forward(Tensor center, Tensor context, Tensor negatives)
    {
        CheckIndices(center, 1, "center"); CheckIndices(context, 1, "context");
        return Objective(InEmbed.Forward(center), context, negatives);
    }

    /// <summary>(1/N) Σ_n −[log σ(u_pos · h_n) + Σ_k log σ(−u_neg_k · h_n)].</summary>
    protected Tensor Objective(Tensor h, Tensor positive, Tensor negatives)
    {
        CheckIndices(negatives, 2, "negatives");
        int n = h.Dims[0], d = h.Dims[1];
        if (positive.Dims[0] != n || negatives.Dims[0] != n)
            throw new ArgumentException($"{Name}: batch sizes differ (positives {ShapeUtil.Format(positive.Dims)}, negatives {ShapeUtil.Format(negatives.Dims)}, {n} inputs)");
        var uPos = OutEmbed.Forward(positive);                                         // [N, d]
        var uNeg = OutEmbed.Forward(negatives);                                        // [N, K, d]
        var pos = F.LogSigmoid(F.Sum(F.Mul(uPos, h), -1));                             // [N]
        var negScores = F.Reshape(F.BatchedMatmul(uNeg, F.Reshape(h, n, d, 1), false, false), n, -1);   // [N, K]
        var neg = F.Sum(F.LogSigmoid(F.Neg(negScores)), -1);                           // [N]
        return F.Neg(F.Mean(F.Add(pos, neg)));
    }

    protected void CheckIndices(Tensor t, int rank, string arg)
    {
        if (t.DType != DType.Int64 || t.Rank != rank)
            throw new ArgumentException($"{Name}: {arg} must be int64 with {rank} dim(s), got {DTypes.Name(t.DType)} {ShapeUtil.Format(t.Dims)}");
    }
}

/// <summary>
/// CBOW with negative sampling (Mikolov et al. 2013a/b): the mean of the context window's input vectors predicts the
/// centre word, h_n = (1/M) Σ_m v[context[n, m]]. center int64 [N], context int64 [N, M], negatives int64 [N, K] → loss [].
/// </summary>
public sealed class CbowNegativeSamplingLoss(int numEmbeddings, int embeddingDim) : NegativeSamplingLoss(numEmbeddings, embeddingDim)
{
    public override Tensor Forward(Tensor center, Tensor context, Tensor negatives)
    {
        CheckIndices(center, 1, "center"); CheckIndices(context, 2, "context");
        return Objective(F.Mean(InEmbed.Forward(context), 1), center, negatives);
    }
}
