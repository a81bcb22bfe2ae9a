namespace Tessera.NN;

/// <summary>A lookup table: int64 indices [*] → vectors [*, embedding_dim]. Weight [num_embeddings, dim], N(0, 1) initialised; the padding row is zero and gets no gradient.</summary>
public sealed class Embedding : Module
{
    public Parameter Weight { get; }
    public int? PaddingIdx { get; }

    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null)
    {
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(numEmbeddings), $"Embedding: num_embeddings and embedding_dim must be positive, got {numEmbeddings} and {embeddingDim}");
        if (paddingIdx is int p)
        {
            if (p < -numEmbeddings || p >= numEmbeddings) throw new ArgumentOutOfRangeException(nameof(paddingIdx), $"Embedding: padding_idx {p} must be within num_embeddings {numEmbeddings}");
            if (p < 0) p += numEmbeddings;
            PaddingIdx = p;
        }
        Weight = RegisterParameter("weight", Init.Normal(Tensor.Empty(numEmbeddings, embeddingDim)));
        if (PaddingIdx is int pi) Weight.Data.Slice(pi * embeddingDim, embeddingDim).Clear();
    }

    public override Tensor Forward(Tensor indices) => F.Embedding(indices, Weight, PaddingIdx);
    public override string ExtraRepr() => $"{Weight.Dims[0]}, {Weight.Dims[1]}" + (PaddingIdx is int p ? $", padding_idx={p}" : "");
}
