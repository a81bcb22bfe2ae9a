using System.Diagnostics;
using Tessera.Decoding;
using Tessera.NN;
using Tessera.Optim;

namespace Tessera.Tests.NN;

/// <summary>
/// End to end: a small RNN encoder–decoder with Bahdanau additive attention learns to reverse digit strings of length
/// 5–8 (data made here), decoded greedily to ≥ 95% exact match; beam search never finds a lower log-probability than greedy.
/// </summary>
public class Seq2SeqAttentionTests
{
    private const int Digits = 10, Bos = 10, Eos = 11, Vocab = 12;

    /// <summary>A GRU cell (Cho et al. 2014) in PyTorch's gate order r, z, n, composed from F ops.</summary>
    private sealed class GruCell : Module
    {
        private readonly Linear _ih, _hh;
        public int Hidden { get; }
        public GruCell(int input, int hidden)
        {
            Hidden = hidden;
            _ih = RegisterModule("ih", new Linear(input, 3 * hidden));
            _hh = RegisterModule("hh", new Linear(hidden, 3 * hidden));
        }
        public Tensor Step(Tensor x, Tensor h)
        {
            var gi = _ih.Forward(x); var gh = _hh.Forward(h);
            Tensor Part(Tensor t, int k) => F.Narrow(t, 1, k * Hidden, Hidden);
            var r = F.Sigmoid(F.Add(Part(gi, 0), Part(gh, 0)));
            var z = F.Sigmoid(F.Add(Part(gi, 1), Part(gh, 1)));
            var n = F.Tanh(F.Add(Part(gi, 2), F.Mul(r, Part(gh, 2))));
            return F.Add(F.Mul(F.Sub(1f, z), n), F.Mul(z, h));
        }
    }

    /// <summary>Bahdanau et al. 2015: bidirectional GRU encoder; the decoder state s_{i−1} queries the annotations.</summary>
    private sealed class Reverser : Module
    {
        public const int Emb = 16, Enc = 32, Dec = 64, Attn = 32;
        private readonly Embedding _embed;
        private readonly GruCell _fwd, _bwd, _dec;
        private readonly Linear _init, _out;
        public AdditiveAttention Attention { get; }

        public Reverser()
        {
            _embed = RegisterModule("embed", new Embedding(Vocab, Emb));
            _fwd = RegisterModule("fwd", new GruCell(Emb, Enc));
            _bwd = RegisterModule("bwd", new GruCell(Emb, Enc));
            _init = RegisterModule("init", new Linear(Enc, Dec));
            Attention = RegisterModule("attention", new AdditiveAttention(Dec, 2 * Enc, Attn));
            _dec = RegisterModule("dec", new GruCell(Emb + 2 * Enc, Dec));
            _out = RegisterModule("out", new Linear(Dec + 2 * Enc, Vocab));
        }

        /// <summary>Annotations [N, L, 2·Enc], their key projections, and the initial decoder state tanh(W h←_1).</summary>
        public (Tensor Annotations, Tensor Keys, Tensor State) Encode(Tensor src)
        {
            int n = src.Dims[0], l = src.Dims[1];
            var x = _embed.Forward(src);                                        // [N, L, Emb]
            var hf = Tensor.Zeros(n, Enc); var hb = Tensor.Zeros(n, Enc);
            var fwd = new Tensor[l]; var bwd = new Tensor[l];
            for (int t = 0; t < l; t++)
            {
                hf = _fwd.Step(F.Reshape(F.Narrow(x, 1, t, 1), n, Emb), hf); fwd[t] = hf;
                hb = _bwd.Step(F.Reshape(F.Narrow(x, 1, l - 1 - t, 1), n, Emb), hb); bwd[l - 1 - t] = hb;
            }
            var ann = F.Stack(Enumerable.Range(0, l).Select(t => F.Cat([fwd[t], bwd[t]], 1)).ToList(), 1);
            return (ann, Attention.ProjectKeys(ann), F.Tanh(_init.Forward(hb)));
        }

        /// <summary>One decoder step: previous token [N], state s_{i−1} [N, Dec] → (logits [N, V], s_i).</summary>
        public (Tensor Logits, Tensor State) Step(Tensor prev, Tensor s, Tensor ann, Tensor keys)
        {
            int n = prev.Dims[0];
            var (ctx, _) = Attention.ForwardProjected(F.Reshape(s, n, 1, Dec), keys, ann);
            var c = F.Reshape(ctx, n, 2 * Enc);
            var s2 = _dec.Step(F.Cat([_embed.Forward(prev), c], 1), s);
            return (_out.Forward(F.Cat([s2, c], 1)), s2);
        }

        /// <summary>Teacher-forced cross-entropy over the reversed string and the end token.</summary>
        public Tensor Loss(Tensor src, Tensor tgt)
        {
            var (ann, keys, s) = Encode(src);
            int n = src.Dims[0], steps = tgt.Dims[1];
            var prev = Tensor.FromLongs(Enumerable.Repeat((long)Bos, n).ToArray());
            var logits = new List<Tensor>();
            for (int t = 0; t < steps; t++)
            {
                (var lg, s) = Step(prev, s, ann, keys);
                logits.Add(lg);
                prev = Tensor.FromLongs(Enumerable.Range(0, n).Select(i => tgt.LongData[i * steps + t]).ToArray());
            }
            var all = F.Reshape(F.Stack(logits, 1), n * steps, Vocab);
            return F.CrossEntropy(all, F.Reshape(tgt, n * steps));
        }
    }

    private static (Tensor Src, Tensor Tgt) Batch(Generator g, int n, int len)
    {
        var src = new long[n * len]; var tgt = new long[n * (len + 1)];
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < len; t++) src[i * len + t] = g.NextInt(Digits);
            for (int t = 0; t < len; t++) tgt[i * (len + 1) + t] = src[i * len + len - 1 - t];
            tgt[i * (len + 1) + len] = Eos;
        }
        return (Tensor.FromLongs(src, n, len), Tensor.FromLongs(tgt, n, len + 1));
    }

    private static StepFunction<Tensor> StepFn(Reverser model, Tensor ann, Tensor keys)
        => (tokens, s) =>
        {
            // The beams of one source share its annotations: repeat them to the current beam count.
            int b = tokens.Dims[0];
            var rows = new int[b];
            return model.Step(tokens, s, b == ann.Dims[0] ? ann : Decode.SelectRows(ann, rows), b == keys.Dims[0] ? keys : Decode.SelectRows(keys, rows));
        };

    [Fact]
    public void LearnsToReverseDigitStringsAndBeamSearchNeverScoresBelowGreedy()
    {
        var sw = Stopwatch.StartNew();   // ~20 s of one core for training (400 steps of 32 strings), reported on failure
        Generator.ManualSeed(11);
        var model = new Reverser();
        var opt = new Adam(model.Parameters(), 1e-2);
        var data = new Generator(5);
        float loss = float.NaN;
        for (int step = 0; step < 400; step++)
        {
            // Adam at 1e-2 gets near 90% in 200 steps but spikes; decaying it settles above 99%.
            foreach (var g in opt.ParamGroups) g.Lr = step < 200 ? 1e-2 : step < 300 ? 3e-3 : 1e-3;
            var (src, tgt) = Batch(data, 32, 5 + data.NextInt(4));
            opt.ZeroGrad();
            var l = model.Loss(src, tgt);
            l.Backward();
            GradClip.ClipGradNorm(model, 1.0);
            opt.Step();
            loss = l.Item();
        }
        var trainTime = sw.Elapsed;

        // Held-out strings, greedy decoding of the whole batch per length.
        var test = new Generator(99);
        int correct = 0, total = 0;
        var greedyByExample = new List<(Tensor Src, Hypothesis Greedy)>();
        for (int len = 5; len <= 8; len++)
        {
            var (src, tgt) = Batch(test, 50, len);
            using var _ = GradMode.NoGrad();
            var (ann, keys, s0) = model.Encode(src);
            var hyps = Decode.Greedy(StepFn(model, ann, keys), s0, Enumerable.Repeat((long)Bos, 50).ToArray(), Eos, len + 3);
            for (int i = 0; i < 50; i++)
            {
                var expect = tgt.LongData.Slice(i * (len + 1), len).ToArray();
                if (hyps[i].Finished && hyps[i].Tokens.SequenceEqual(expect)) correct++;
                total++;
                if (i < 5) greedyByExample.Add((F.Narrow(src.To(DType.Float32), 0, i, 1).To(DType.Int64), hyps[i]));
            }
        }
        double accuracy = (double)correct / total;
        Assert.True(accuracy >= 0.95, $"greedy exact match {accuracy:P1} after training to loss {loss:F4} ({trainTime.TotalSeconds:F1} s)");

        // Beam search (k = 3, no length penalty) maximises log P better than or as well as greedy on every example.
        foreach (var (src, greedy) in greedyByExample)
        {
            using var _ = GradMode.NoGrad();
            var (ann, keys, s0) = model.Encode(src);
            var beams = Decode.BeamSearch(StepFn(model, ann, keys), s0, Bos, Eos, 3, src.Dims[1] + 3, (s, rows) => Decode.SelectRows(s, rows));
            Assert.NotEmpty(beams);
            Assert.True(beams[0].LogProb >= greedy.LogProb - 1e-4, $"beam log P {beams[0].LogProb} < greedy {greedy.LogProb}");
        }
    }
}
