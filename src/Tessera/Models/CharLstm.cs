using Tessera.NN;

namespace Tessera.Models;

/// <summary>
/// A character-level language model (as in Karpathy's char-rnn): Embedding(vocab, embed) → LSTM(embed, hidden,
/// batch first) → Linear(hidden, vocab). Input ids [N, T] → next-character logits [N, T, vocab].
/// </summary>
public sealed class CharLstm : Module
{
    public Embedding Embed { get; }
    public LSTM Lstm { get; }
    public Linear Head { get; }

    public CharLstm(int vocab, int embed = 64, int hidden = 256, int layers = 1)
    {
        Embed = RegisterModule("embed", new Embedding(vocab, embed));
        Lstm = RegisterModule("lstm", new LSTM(embed, hidden, layers, batchFirst: true));
        Head = RegisterModule("head", new Linear(hidden, vocab));
    }

    public override Tensor Forward(Tensor ids) => Head.Forward(Lstm.Forward(Embed.Forward(ids)));
}
