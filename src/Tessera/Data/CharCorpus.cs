namespace Tessera.Data;

/// <summary>A plain-text character corpus: its vocabulary (sorted distinct characters) and the text as int64 ids.</summary>
public sealed class CharCorpus
{
    public string Vocabulary { get; }
    public long[] Ids { get; }
    private readonly Dictionary<char, int> _index;

    public CharCorpus(string text)
    {
        if (text.Length < 2) throw new ArgumentException("CharCorpus: text needs at least 2 characters");
        Vocabulary = new string(text.Distinct().OrderBy(c => c).ToArray());
        _index = Vocabulary.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        Ids = text.Select(c => (long)_index[c]).ToArray();
    }

    /// <summary>Reads a UTF-8 text file.</summary>
    public static CharCorpus FromFile(string path)
        => File.Exists(path) ? new CharCorpus(File.ReadAllText(path)) : throw new FileNotFoundException($"{path}: file not found", path);

    public int VocabularySize => Vocabulary.Length;
    public long Encode(char c) => _index.TryGetValue(c, out var i) ? i : throw new ArgumentException($"character '{c}' is not in the vocabulary");
    public string Decode(IEnumerable<long> ids) => new(ids.Select(i => Vocabulary[(int)i]).ToArray());

    /// <summary>Random windows for next-character prediction: inputs [B, T] and targets [B, T] (the inputs shifted by one).</summary>
    public (Tensor X, Tensor Y) RandomBatch(int batch, int seqLen, Generator g)
    {
        if (seqLen + 1 > Ids.Length) throw new ArgumentException($"CharCorpus: sequence length {seqLen} is longer than the corpus ({Ids.Length} characters)");
        var x = new long[batch * seqLen]; var y = new long[batch * seqLen];
        for (int b = 0; b < batch; b++)
        {
            int start = g.NextInt(Ids.Length - seqLen);
            Array.Copy(Ids, start, x, b * seqLen, seqLen);
            Array.Copy(Ids, start + 1, y, b * seqLen, seqLen);
        }
        return (Tensor.FromLongs(x, batch, seqLen), Tensor.FromLongs(y, batch, seqLen));
    }
}
