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

    private static Tensor In(Tensor?[] xs, int i, string op) => OpRegistry.Input(xs, i, op);
    private static Tensor? Opt(Tensor?[] xs, int i) => i < xs.Length ? xs[i] : null;
}
