using System.Text.Json;
using Tessera.NN;

namespace Tessera.Conformance;

/// <summary>The recurrent family of the catalog (catalog/recurrent.md): RNN/LSTM/GRU stacks and cells, LSTM variants, ConvLSTM2d, wrappers, reservoir and tree models.</summary>
internal static class RecurrentOps
{
    public static void Register()
    {
        OpRegistry.Add("RNN", (c, _) =>
        {
            var m = (RNN)Stack("RNN", c);
            return new BuiltOp(m, xs => { var r = m.Forward(In(xs, 0, "RNN"), Opt(xs, 1), Opt(xs, 2)); return [r.Output, r.HN]; });
        });
        OpRegistry.Add("LSTM", (c, _) =>
        {
            var m = (LSTM)Stack("LSTM", c);
            return new BuiltOp(m, xs => { var r = m.Forward(In(xs, 0, "LSTM"), Opt(xs, 1), Opt(xs, 2), Opt(xs, 3)); return [r.Output, r.HN, r.CN]; });
        });
        OpRegistry.Add("GRU", (c, _) =>
        {
            var m = (GRU)Stack("GRU", c);
            return new BuiltOp(m, xs => { var r = m.Forward(In(xs, 0, "GRU"), Opt(xs, 1), Opt(xs, 2)); return [r.Output, r.HN]; });
        });

        OpRegistry.Add("RNNCell", (c, _) =>
        {
            var m = new RNNCell(c.Int("input_size"), c.Int("hidden_size"), c.Bool("bias", true), c.String("nonlinearity", "tanh"));
            return new BuiltOp(m, xs => [m.Forward(In(xs, 0, "RNNCell"), Opt(xs, 1))]);
        });
        OpRegistry.Add("LSTMCell", (c, _) =>
        {
            var m = new LSTMCell(c.Int("input_size"), c.Int("hidden_size"), c.Bool("bias", true));
            return new BuiltOp(m, xs => { var (h, cc) = m.Forward(In(xs, 0, "LSTMCell"), Opt(xs, 1), Opt(xs, 2)); return [h, cc]; });
        });
        OpRegistry.Add("GRUCell", (c, _) =>
        {
            var m = new GRUCell(c.Int("input_size"), c.Int("hidden_size"), c.Bool("bias", true));
            return new BuiltOp(m, xs => [m.Forward(In(xs, 0, "GRUCell"), Opt(xs, 1))]);
        });

        OpRegistry.Add("PeepholeLSTM", (c, _) =>
        {
            var m = new PeepholeLSTM(c.Int("input_size"), c.Int("hidden_size"), c.Bool("batch_first", false));
            return new BuiltOp(m, xs => { var r = m.Forward(In(xs, 0, "PeepholeLSTM"), Opt(xs, 1), Opt(xs, 2)); return [r.Output, r.HN, r.CN]; });
        });
        OpRegistry.Add("CoupledLSTM", (c, _) =>
        {
            var m = new CoupledLSTM(c.Int("input_size"), c.Int("hidden_size"), c.Bool("batch_first", false));
            return new BuiltOp(m, xs => { var r = m.Forward(In(xs, 0, "CoupledLSTM"), Opt(xs, 1), Opt(xs, 2)); return [r.Output, r.HN, r.CN]; });
        });
        OpRegistry.Add("ConvLSTM2d", (c, _) =>
        {
            var k = c.Ints("kernel_size", 2);
            Size2? padding = c.Has("padding") ? Pair(c.Ints("padding", 2)) : Accept<Size2?>(c, "padding", null);
            Size2? size = c.Has("input_size") ? Pair(c.Ints("input_size", 2)) : Accept<Size2?>(c, "input_size", null);
            var m = new ConvLSTM2d(c.Int("input_channels"), c.Int("hidden_channels"), Pair(k), padding, c.Bool("peephole", false), c.Bool("batch_first", false), size);
            return new BuiltOp(m, xs => { var r = m.Forward(In(xs, 0, "ConvLSTM2d"), Opt(xs, 1), Opt(xs, 2)); return [r.Output, r.HN, r.CN]; });
        });

        OpRegistry.Add("TimeDistributed", (c, training) =>
        {
            var (op, config) = Nested(c);
            if (!OpRegistry.TryGet(op, out var build)) throw new ArgumentException($"TimeDistributed: inner op '{op}' is not implemented");
            var inner = build(config, training).Module ?? throw new ArgumentException($"TimeDistributed: inner op '{op}' is not a layer");
            CheckNested(config, op);
            return OpRegistry.Layer(new TimeDistributed(inner));
        });
        OpRegistry.Add("Bidirectional", (c, _) =>
        {
            var (op, config) = Nested(c);
            var m = new Bidirectional(() => Stack(op, config), c.String("merge_mode", "concat"));
            CheckNested(config, op);
            return OpRegistry.Layer(m);
        });

        OpRegistry.Add("EchoStateNetwork", (c, _) =>
        {
            var m = new EchoStateNetwork(c.Int("input_size"), c.Int("reservoir_size"), c.Float("leaking_rate"));
            return new BuiltOp(m, xs => [m.Forward(In(xs, 0, "EchoStateNetwork"), Opt(xs, 1))]);
        });
        OpRegistry.Add("RidgeReadout", (c, _) =>
        {
            var m = new RidgeReadout(c.Double("beta"));
            return new BuiltOp(m, xs => [m.Forward(In(xs, 0, "RidgeReadout"), In(xs, 1, "RidgeReadout"))]);
        });
        OpRegistry.Add("ELM", (c, _) =>
        {
            var m = new ELM(c.Int("input_size"), c.Int("hidden_size"), c.String("activation", "tanh"));
            return new BuiltOp(m, xs => { var (beta, pred) = m.Fit(In(xs, 0, "ELM"), In(xs, 1, "ELM")); return [beta, pred]; });
        });
        OpRegistry.Add("RecursiveNN", (c, _) =>
        {
            var m = new RecursiveNN(c.Int("dim"));
            return new BuiltOp(m, xs => { var (root, nodes) = m.Forward(In(xs, 0, "RecursiveNN"), In(xs, 1, "RecursiveNN")); return [root, nodes]; });
        });
    }

    /// <summary>An RNN, LSTM or GRU stack from its catalog config.</summary>
    internal static RecurrentStack Stack(string op, CaseConfig c)
    {
        int input = c.Int("input_size"), hidden = c.Int("hidden_size"), layers = c.Int("num_layers", 1);
        bool bias = c.Bool("bias", true), batchFirst = c.Bool("batch_first", false), bidirectional = c.Bool("bidirectional", false);
        float dropout = c.Float("dropout", 0f);
        return op switch
        {
            "RNN" => new RNN(input, hidden, layers, c.String("nonlinearity", "tanh"), bias, batchFirst, dropout, bidirectional),
            "LSTM" => new LSTM(input, hidden, layers, bias, batchFirst, dropout, bidirectional),
            "GRU" => new GRU(input, hidden, layers, bias, batchFirst, dropout, bidirectional, c.Bool("reset_after", true)),
            _ => throw new ArgumentException($"expected a recurrent stack op (RNN, LSTM or GRU), got '{op}'"),
        };
    }

    /// <summary>The nested op spec {"op": ..., "config": {...}} of a wrapper's "layer" key.</summary>
    private static (string Op, CaseConfig Config) Nested(CaseConfig c)
    {
        var spec = c.Raw("layer");
        if (spec.ValueKind != JsonValueKind.Object || !spec.TryGetProperty("op", out var op) || !spec.TryGetProperty("config", out var config))
            throw new ArgumentException("config key 'layer' must be {\"op\": ..., \"config\": {...}}");
        return (op.GetString()!, new CaseConfig(config));
    }

    /// <summary>A nested config key the inner op did not read fails the case, as an unknown top-level key does.</summary>
    private static void CheckNested(CaseConfig config, string op)
    {
        var unread = config.Unread().ToList();
        if (unread.Count > 0) throw new ArgumentException($"config key(s) {string.Join(", ", unread.Select(k => $"'layer.{k}'"))} of inner op '{op}' not understood");
    }

    private static Size2 Pair(int[] v) => v.Length == 2 ? new Size2(v[0], v[1]) : throw new ArgumentException($"expected a pair, got {v.Length} values");
    private static T Accept<T>(CaseConfig c, string key, T value) { c.Accept(key); return value; }

    private static Tensor In(Tensor?[] xs, int i, string op) => OpRegistry.Input(xs, i, op);
    private static Tensor? Opt(Tensor?[] xs, int i) => i < xs.Length ? xs[i] : null;
}
