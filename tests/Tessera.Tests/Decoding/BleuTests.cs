using Tessera.Decoding;

namespace Tessera.Tests.Decoding;

/// <summary>BLEU against values computed by hand from the n-gram counts (fractions written out, not pasted decimals).</summary>
public class BleuTests
{
    private static string[] W(string s) => s.Split(' ');

    [Fact]
    public void ModifiedUnigramPrecisionClipsByTheReferenceMaximum()
    {
        // Papineni et al. 2002, §2.1: "the" ×7 against references with 2 and 1 "the": clipped count 2 of 7.
        var hyp = W("the the the the the the the");
        string[][] refs = [W("the cat is on the mat"), W("there is a cat on the mat")];
        // c = 7 equals the closest reference length 7, so BP = 1.
        Assert.Equal(2.0 / 7, Bleu.Sentence(hyp, refs, maxN: 1), 12);
    }

    [Fact]
    public void FourGramBleuIsTheGeometricMeanOfThePrecisions()
    {
        // a b c d e vs a b c d f: p1 = 4/5, p2 = 3/4, p3 = 2/3, p4 = 1/2; equal lengths, BP = 1.
        double expect = Math.Pow(4.0 / 5 * 3.0 / 4 * 2.0 / 3 * 1.0 / 2, 0.25);
        Assert.Equal(expect, Bleu.Sentence(W("a b c d e"), [W("a b c d f")]), 12);
        Assert.Equal(1.0, Bleu.Sentence(W("a b c d e"), [W("a b c d e")]), 12);
    }

    [Fact]
    public void BrevityPenaltyUsesTheClosestReferenceLength()
    {
        // 4 tokens, all n-grams match the 6-token reference: BP = exp(1 − 6/4).
        Assert.Equal(Math.Exp(1 - 6.0 / 4), Bleu.Sentence(W("a b c d"), [W("a b c d e f")]), 12);
        // References of lengths 3 and 6 are equally close to 4... no: |3−4| = 1 < |6−4| = 2, so r = 3 and c > r: BP = 1.
        Assert.Equal(1.0, Bleu.Sentence(W("a b c d"), [W("a b c d e f"), W("x y z")], maxN: 1), 12);
        // Ties go to the shorter reference: lengths 3 and 5 around c = 4 give r = 3, no penalty.
        Assert.Equal(1.0, Bleu.Sentence(W("a b c d"), [W("a b c d q"), W("x y z")], maxN: 1), 12);
    }

    [Fact]
    public void SmoothingMethodsOnAMissingFourGram()
    {
        // a b c x vs a b c d: matches 3/4, 2/3, 1/2, 0/1.
        var hyp = W("a b c x"); string[][] refs = [W("a b c d")];
        Assert.Equal(0.0, Bleu.Sentence(hyp, refs));
        Assert.Equal(Math.Pow(3.0 / 4 * 2.0 / 3 * 1.0 / 2 * (0.1 / 1), 0.25), Bleu.Sentence(hyp, refs, smoothing: BleuSmoothing.Epsilon), 12);
        // Add-one for n ≥ 2: (2+1)/(3+1), (1+1)/(2+1), (0+1)/(1+1).
        Assert.Equal(Math.Pow(3.0 / 4 * 3.0 / 4 * 2.0 / 3 * 1.0 / 2, 0.25), Bleu.Sentence(hyp, refs, smoothing: BleuSmoothing.AddOne), 12);
        // Exponential: the first zero precision becomes 1 / (2 · 1).
        Assert.Equal(Math.Pow(3.0 / 4 * 2.0 / 3 * 1.0 / 2 * (1.0 / 2), 0.25), Bleu.Sentence(hyp, refs, smoothing: BleuSmoothing.Exponential), 12);
        // No unigram in common: 0 whatever the smoothing.
        Assert.Equal(0.0, Bleu.Sentence(W("p q"), refs, smoothing: BleuSmoothing.AddOne));
    }

    [Fact]
    public void CorpusBleuSumsCountsBeforeDividing()
    {
        // s1: a b / a b → p1 2/2, p2 1/1. s2: c d e f / c x e y → p1 2/4, p2 0/3. Corpus: p1 = 4/6, p2 = 1/4, c = r = 6.
        var hyps = new[] { W("a b"), W("c d e f") };
        var refs = new[] { new[] { W("a b") }, new[] { W("c x e y") } };
        Assert.Equal(Math.Sqrt(4.0 / 6 * 1.0 / 4), Bleu.Corpus(hyps, refs, maxN: 2), 12);
        // Not the mean of sentence BLEUs (the second sentence alone scores 0).
        Assert.Equal(0.0, Bleu.Sentence(hyps[1], refs[1], maxN: 2));
        // Integer tokens work too.
        Assert.Equal(1.0, Bleu.Sentence(new long[] { 3, 1, 4, 1, 5 }, [new long[] { 3, 1, 4, 1, 5 }]), 12);
        Assert.Throws<ArgumentException>(() => Bleu.Corpus(hyps, refs[..1]));
    }
}
