namespace Tessera.NN;

/// <summary>
/// Luong "location" attention: the weights depend on the query only, a_i = softmax((W q_i + b)[0:Lk]) over the first
/// Lk of max_length logits. weight [max_length, dq], bias [max_length]. query [N, Lq, dq], values [N, Lk, dv] (Lk ≤
/// max_length), key_padding_mask bool [N, Lk] → (context [N, Lq, dv], weights [N, Lq, Lk]).
/// </summary>
public sealed class LocationBasedAttention : Module
{
    public int QueryDim { get; }
    public int MaxLength { get; }
    public Parameter Weight { get; }
    public Parameter Bias { get; }

    public LocationBasedAttention(int queryDim, int maxLength)
    {
        var lin = new Linear(queryDim, maxLength);   // PyTorch's Linear initialisation
        QueryDim = queryDim; MaxLength = maxLength;
        Weight = RegisterParameter("weight", lin.Weight.Detach());
        Bias = RegisterParameter("bias", lin.Bias!.Detach());
    }

    public (Tensor Context, Tensor Weights) Forward(Tensor query, Tensor values, Tensor? keyPaddingMask = null)
    {
        string me = $"{Name}(query_dim={QueryDim}, max_length={MaxLength})";
        F.CheckQueryKeys(query, values, null, me);
        if (query.Dims[2] != QueryDim) throw new ArgumentException($"{me}: query has {query.Dims[2]} features (shape {ShapeUtil.Format(query.Dims)})");
        int lk = values.Dims[1];
        if (lk > MaxLength) throw new ArgumentException($"{me}: values have {lk} positions, more than max_length (shape {ShapeUtil.Format(values.Dims)})");
        var scores = F.Narrow(F.Linear(query, Weight, Bias), -1, 0, lk);
        return F.Attend(scores, values, keyPaddingMask);
    }

    public override string ExtraRepr() => $"query_dim={QueryDim}, max_length={MaxLength}";
}
