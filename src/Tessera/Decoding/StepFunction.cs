namespace Tessera.Decoding;

/// <summary>
/// One step of an autoregressive model: the last token of each of B hypotheses (int64 [B]) and their state →
/// next-token scores [B, V] (logits or log-probabilities; decoders apply log-softmax) and the new state.
/// </summary>
public delegate (Tensor Logits, TState State) StepFunction<TState>(Tensor tokens, TState state);

/// <summary>A decoded sequence: the generated tokens (without the start token and without the end token), whether the end
/// token was produced, its total log-probability (the end token included) and the score it was ranked by.</summary>
public sealed record Hypothesis(long[] Tokens, bool Finished, double LogProb, double Score);
