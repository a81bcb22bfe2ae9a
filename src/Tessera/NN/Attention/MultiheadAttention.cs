namespace Tessera.NN;

/// <summary>
/// Multi-head attention (Vaswani et al. 2017, §3.2.2) as torch.nn.MultiheadAttention: head h attends with
/// softmax(q_h k_hᵀ / √hd + mask) v_h on its slice of the projected q, k, v; heads are concatenated and projected by
/// out_proj. query [L, N, E] ([N, L, E] when batch_first, [L, E] unbatched), key [S, N, kdim], value [S, N, vdim].
/// Parameters: in_proj_weight [3E, E] (row blocks q, k, v) when kdim = vdim = E, otherwise q_proj_weight [E, E],
/// k_proj_weight [E, kdim], v_proj_weight [E, vdim]; in_proj_bias [3E]; out_proj.weight/bias; bias_k, bias_v [1, 1, E]
/// when add_bias_kv.
/// </summary>
public sealed class MultiheadAttention : Module
{
    public int EmbedDim { get; }
    public int NumHeads { get; }
    public int HeadDim => EmbedDim / NumHeads;
    public int KDim { get; }
    public int VDim { get; }
    public float DropoutP { get; }
    public bool BatchFirst { get; }
    public bool AddZeroAttn { get; }
    public Parameter? InProjWeight { get; }
    public Parameter? QProjWeight { get; }
    public Parameter? KProjWeight { get; }
    public Parameter? VProjWeight { get; }
    public Parameter? InProjBias { get; }
    public Parameter? BiasK { get; }
    public Parameter? BiasV { get; }
    public Linear OutProj { get; }

    public MultiheadAttention(int embedDim, int numHeads, float dropout = 0f, bool bias = true, bool addBiasKv = false,
        bool addZeroAttn = false, int? kdim = null, int? vdim = null, bool batchFirst = false)
    {
        if (embedDim <= 0 || numHeads <= 0) throw new ArgumentOutOfRangeException(nameof(embedDim), $"MultiheadAttention: embed_dim and num_heads must be positive, got {embedDim} and {numHeads}");
        if (embedDim % numHeads != 0) throw new ArgumentException($"MultiheadAttention(embed_dim={embedDim}, num_heads={numHeads}): embed_dim must be divisible by num_heads");
        if (!(dropout >= 0 && dropout <= 1)) throw new ArgumentOutOfRangeException(nameof(dropout), $"MultiheadAttention: dropout must be in [0, 1], got {dropout}");
        EmbedDim = embedDim; NumHeads = numHeads; KDim = kdim ?? embedDim; VDim = vdim ?? embedDim;
        DropoutP = dropout; BatchFirst = batchFirst; AddZeroAttn = addZeroAttn;
        if (KDim == embedDim && VDim == embedDim)
            InProjWeight = RegisterParameter("in_proj_weight", Init.XavierUniform(Tensor.Empty(3 * embedDim, embedDim)));
        else
        {
            QProjWeight = RegisterParameter("q_proj_weight", Init.XavierUniform(Tensor.Empty(embedDim, embedDim)));
            KProjWeight = RegisterParameter("k_proj_weight", Init.XavierUniform(Tensor.Empty(embedDim, KDim)));
            VProjWeight = RegisterParameter("v_proj_weight", Init.XavierUniform(Tensor.Empty(embedDim, VDim)));
        }
        if (bias) InProjBias = RegisterParameter("in_proj_bias", Tensor.Zeros(3 * embedDim)); else RegisterNullParameter("in_proj_bias");
        if (addBiasKv)
        {
            BiasK = RegisterParameter("bias_k", Init.XavierNormal(Tensor.Empty(1, 1, embedDim)));
            BiasV = RegisterParameter("bias_v", Init.XavierNormal(Tensor.Empty(1, 1, embedDim)));
        }
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias));
        if (OutProj.Bias != null) Init.Zeros(OutProj.Bias);
    }

    /// <summary>
    /// (attn_output in the query's layout, attn_output_weights [N, L, S] averaged over heads or [N, H, L, S]; null unless
    /// <paramref name="needWeights"/>). key_padding_mask bool [N, S], True = ignore; attn_mask [L, S] or [N·H, L, S],
    /// bool (True = masked out) or float (added). A query with every key masked gets weights and output projection of 0.
    /// </summary>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true)
        => F.MultiHeadAttention(query, key, value, NumHeads, Weights, keyPaddingMask, attnMask, needWeights, averageAttnWeights,
            BatchFirst, DropoutP, Training, AddZeroAttn);

    /// <summary>Self-attention output only: Forward(x, x, x) without weights.</summary>
    public override Tensor Forward(Tensor x) => Forward(x, x, x, needWeights: false).Output;

    private MultiHeadWeights Weights => new(InProjWeight, InProjBias, QProjWeight, KProjWeight, VProjWeight, OutProj.Weight, OutProj.Bias, BiasK, BiasV);

    public override string ExtraRepr() => $"embed_dim={EmbedDim}, num_heads={NumHeads}" + (KDim != EmbedDim || VDim != EmbedDim ? $", kdim={KDim}, vdim={VDim}" : "") + (BatchFirst ? ", batch_first=True" : "");
}
