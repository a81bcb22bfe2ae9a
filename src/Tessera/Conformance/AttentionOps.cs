using System.Text.Json;
using Tessera.NN;

namespace Tessera.Conformance;

/// <summary>The attention family of the catalog (catalog/attention.md): attention scores and layers, multi-head attention,
/// Transformer layers, positional encodings, softmax variants and the word2vec objectives.</summary>
internal static class AttentionOps
{
    public static void Register()
    {
        OpRegistry.Add("ScaledDotProductAttention", (c, _) =>
        {
            var m = new ScaledDotProductAttention(c.Has("scale") ? c.Float("scale") : AcceptNull<float>(c, "scale"), c.Bool("is_causal", false));
            return new BuiltOp(m, xs => Pair(m.Forward(In(xs, 0), In(xs, 1), In(xs, 2), xs[3])));
        });
        Global("DotProductAttention", _ => new DotProductAttention());
        Global("GeneralAttention", c => new GeneralAttention(c.Int("query_dim"), c.Int("key_dim")));
        Global("AdditiveAttention", c => new AdditiveAttention(c.Int("query_dim"), c.Int("key_dim"), c.Int("attn_dim"), c.Bool("bias", true)));
        Global("ConcatAttention", c => new ConcatAttention(c.Int("query_dim"), c.Int("key_dim"), c.Int("attn_dim")));
        Global("ContentBasedAttention", c => new ContentBasedAttention(c.Float("beta"), c.Float("eps", 1e-8f)));
        OpRegistry.Add("LocationBasedAttention", (c, _) =>
        {
            var m = new LocationBasedAttention(c.Int("query_dim"), c.Int("max_length"));
            return new BuiltOp(m, xs => Pair(m.Forward(In(xs, 0), In(xs, 1), xs[2])));
        });
        OpRegistry.Add("LocalAttention", (c, _) =>
        {
            var m = new LocalAttention(c.String("mode", "monotonic"), c.Int("window"), c.String("score", "dot"), c.Int("query_dim"), c.Int("key_dim"), c.IntOrNull("attn_dim"));
            return new BuiltOp(m, xs => Pair(m.Forward(In(xs, 0), In(xs, 1), xs[2])));
        });
        OpRegistry.Add("HardAttention", (_, _) =>
        {
            var m = new HardAttention();
            return new BuiltOp(m, xs => { var (ctx, idx) = m.Forward(In(xs, 0), In(xs, 1), xs[2]); return [ctx, idx]; });
        });
        OpRegistry.Add("SelfAttention", (_, _) =>
        {
            var m = new SelfAttention();
            return new BuiltOp(m, xs => Pair(m.WithWeights(In(xs, 0))));
        });

        OpRegistry.Add("MultiheadAttention", (c, _) =>
        {
            int e = c.Int("embed_dim");
            var m = new MultiheadAttention(e, c.Int("num_heads"), c.Float("dropout", 0f), c.Bool("bias", true), c.Bool("add_bias_kv", false),
                c.Bool("add_zero_attn", false), c.Int("kdim", e), c.Int("vdim", e), c.Bool("batch_first", false));
            bool need = c.Bool("need_weights", true), avg = c.Bool("average_attn_weights", true);
            return new BuiltOp(m, xs =>
            {
                var (o, w) = m.Forward(In(xs, 0), In(xs, 1), In(xs, 2), xs[3], need, xs[4], avg);
                return w != null ? [o, w] : [o];
            });
        });
        OpRegistry.Add("TransformerEncoderLayer", (c, _) =>
        {
            var m = new TransformerEncoderLayer(c.Int("d_model"), c.Int("nhead"), c.Int("dim_feedforward", 2048), c.Float("dropout", 0.1f),
                c.String("activation", "relu"), c.Float("layer_norm_eps", 1e-5f), c.Bool("batch_first", false), c.Bool("norm_first", false));
            return new BuiltOp(m, xs => [m.Forward(In(xs, 0), xs[1], xs[2])]);
        });
        OpRegistry.Add("TransformerDecoderLayer", (c, _) =>
        {
            var m = new TransformerDecoderLayer(c.Int("d_model"), c.Int("nhead"), c.Int("dim_feedforward", 2048), c.Float("dropout", 0.1f),
                c.String("activation", "relu"), c.Float("layer_norm_eps", 1e-5f), c.Bool("batch_first", false), c.Bool("norm_first", false));
            return new BuiltOp(m, xs => [m.Forward(In(xs, 0), In(xs, 1), xs[2], xs[3], xs[4], xs[5])]);
        });

        OpRegistry.Add("SinusoidalPositionalEncoding", (c, _) => OpRegistry.Layer(new SinusoidalPositionalEncoding(c.Int("d_model"), c.Int("max_len"))));
        OpRegistry.Add("LearnedPositionalEmbedding", (c, _) => OpRegistry.Layer(new LearnedPositionalEmbedding(c.Int("d_model"), c.Int("max_len"))));

        OpRegistry.Add("HierarchicalSoftmax", (c, _) =>
        {
            var counts = c.Raw("counts");
            var m = new HierarchicalSoftmax(c.Int("in_features"), c.Int("num_classes"), c.String("tree", "complete"),
                counts.ValueKind == JsonValueKind.Array ? counts.EnumerateArray().Select(v => v.GetInt64()).ToArray() : null);
            return new BuiltOp(m, xs => Pair(m.Forward(In(xs, 0), In(xs, 1))));
        });
        OpRegistry.Add("AdaptiveLogSoftmaxWithLoss", (c, _) =>
        {
            var m = new AdaptiveLogSoftmaxWithLoss(c.Int("in_features"), c.Int("n_classes"), c.Ints("cutoffs"), c.Float("div_value", 4f), c.Bool("head_bias", false));
            return new BuiltOp(m, xs => Pair(m.Forward(In(xs, 0), In(xs, 1))));
        });
        OpRegistry.Add("NegativeSamplingLoss", (c, _) =>
        {
            var m = new NegativeSamplingLoss(c.Int("num_embeddings"), c.Int("embedding_dim"));
            return new BuiltOp(m, xs => [m.Forward(In(xs, 0), In(xs, 1), In(xs, 2))]);
        });
        OpRegistry.Add("CbowNegativeSamplingLoss", (c, _) =>
        {
            var m = new CbowNegativeSamplingLoss(c.Int("num_embeddings"), c.Int("embedding_dim"));
            return new BuiltOp(m, xs => [m.Forward(In(xs, 0), In(xs, 1), In(xs, 2))]);
        });
    }

    private static void Global(string op, Func<CaseConfig, GlobalAttention> make) => OpRegistry.Add(op, (c, _) =>
    {
        var m = make(c);
        return new BuiltOp(m, xs => Pair(m.Forward(In(xs, 0), In(xs, 1), xs[2], xs[3])));
    });

    private static Tensor[] Pair((Tensor A, Tensor B) r) => [r.A, r.B];

    private static Tensor In(Tensor?[] xs, int i) => OpRegistry.Input(xs, i, "attention op");

    private static T? AcceptNull<T>(CaseConfig c, string key) where T : struct { c.Accept(key); return null; }
}
