using System.IO.Compression;
using Tessera.Data;

namespace Tessera.Tests.Data;

public class DataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-data").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static TensorDataset Range(int n) => new(Tensor.Arange(n).Reshape(n, 1), Tensor.FromLongs(Enumerable.Range(0, n).Select(i => (long)i).ToArray()));

    [Fact]
    public void LoaderCoversEveryExampleOnceAndHonoursDropLast()
    {
        var ds = Range(10);
        var seen = new DataLoader(ds, 3, shuffle: true, generator: new Generator(1)).SelectMany(b => b.Y.ToLongArray()).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), seen.Order());
        Assert.NotEqual(Enumerable.Range(0, 10).Select(i => (long)i), seen);
        var dropped = new DataLoader(ds, 3, dropLast: true).ToList();
        Assert.Equal(3, dropped.Count);
        Assert.All(dropped, b => Assert.Equal(3, b.X.Shape[0]));
    }

    [Fact]
    public void SameSeedGivesSameOrder()
    {
        var a = new DataLoader(Range(50), 7, shuffle: true, generator: new Generator(5)).SelectMany(b => b.Y.ToLongArray()).ToList();
        var b = new DataLoader(Range(50), 7, shuffle: true, generator: new Generator(5), prefetch: false).SelectMany(b => b.Y.ToLongArray()).ToList();
        Assert.Equal(a, b);
    }

    private string WriteIdx(string name, byte[] header, byte[] data, bool gz)
    {
        var path = Path.Combine(_dir, name + (gz ? ".gz" : ""));
        using var fs = File.Create(path);
        using Stream s = gz ? new GZipStream(fs, CompressionLevel.Fastest) : fs;
        s.Write(header); s.Write(data);
        return path;
    }

    private static byte[] Header(byte rank, params int[] dims)
    {
        var h = new List<byte> { 0, 0, 8, rank };
        foreach (var d in dims) h.AddRange(BitConverter.GetBytes(d).Reverse());
        return h.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IdxImagesAndLabelsRoundTrip(bool gz)
    {
        var pixels = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();
        var img = Idx.ReadImages(WriteIdx("img", Header(3, 2, 3, 4), pixels, gz));
        Assert.Equal([2, 1, 3, 4], img.Shape);
        Assert.Equal(230 / 255f, img.Data[23], 6);
        var lab = Idx.ReadLabels(WriteIdx("lab", Header(1, 3), [7, 0, 9], gz));
        Assert.Equal([7L, 0L, 9L], lab.ToLongArray());
    }

    [Fact]
    public void TruncatedOrForeignIdxFilesGiveClearErrors()
    {
        var trunc = WriteIdx("t", Header(3, 10, 28, 28), new byte[100], false);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(trunc));
        Assert.Contains(trunc, e.Message);
        Assert.Contains("truncated", e.Message);
        var foreign = Path.Combine(_dir, "x.txt");
        File.WriteAllText(foreign, "hello world");
        Assert.Contains("not an IDX file", Assert.Throws<InvalidDataException>(() => Idx.ReadImages(foreign)).Message);
        var badGz = Path.Combine(_dir, "bad.gz");
        File.WriteAllBytes(badGz, [0x1f, 0x8b, 8, 0, 1, 2, 3]);
        Assert.Contains(badGz, Assert.ThrowsAny<Exception>(() => Idx.ReadImages(badGz)).Message);
        Assert.Throws<FileNotFoundException>(() => Idx.ReadImages(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void SyntheticDigitsAreDeterministicBalancedAndInRange()
    {
        var a = SyntheticDigits.Generate(200, 3); var b = SyntheticDigits.Generate(200, 3);
        Assert.Equal(a.X.ToArray(), b.X.ToArray());
        Assert.Equal([200, 1, 28, 28], a.X.Shape);
        Assert.All(a.X.ToArray(), v => Assert.InRange(v, 0f, 1f));
        var counts = a.Y.ToLongArray().GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, counts.Count);
        Assert.All(counts.Values, c => Assert.Equal(20, c));
        Assert.NotEqual(a.X.ToArray(), SyntheticDigits.Generate(200, 4).X.ToArray());
    }

    [Fact]
    public void CsvAndCharCorpusLoad()
    {
        var csv = Path.Combine(_dir, "t.csv");
        File.WriteAllText(csv, "a,b,label\n1,2,0\n3.5,-1,2\n");
        var ds = CsvDataset.Load(csv);
        Assert.Equal([2, 2], ds.X.Shape);
        Assert.Equal([0L, 2L], ds.Y.ToLongArray());
        File.WriteAllText(csv, "1,2,0\n3,x,1\n");
        Assert.Contains("t.csv:2: column 2 is not a number", Assert.Throws<InvalidDataException>(() => CsvDataset.Load(csv)).Message);
        var corpus = new CharCorpus("hello world");
        Assert.Equal("hello", corpus.Decode(corpus.Ids.Take(5)));
        var (x, y) = corpus.RandomBatch(2, 4, new Generator(1));
        Assert.Equal(x.ToLongArray()[1], y.ToLongArray()[0]);
    }

    [Fact]
    public void SplitAndNormalize()
    {
        var ds = new TensorDataset(Tensor.Randn([100, 2, 3]), Tensor.Zeros(100).To(DType.Int64));
        var (a, b) = ds.Split(0.8, 1);
        Assert.Equal(80, a.Count); Assert.Equal(20, b.Count);
        var (n, mean, std) = ds.Normalize();
        Assert.Equal(2, mean.Length);
        var v = n.X.ToArray();
        Assert.Equal(0, v.Average(), 4);
    }
}

public class SyntheticSequenceTests
{
    [Fact]
    public void AddingProblemTargetsAreTheSumOfTheTwoMarkedValues()
    {
        var ds = SyntheticSequences.AddingProblem(50, 20, 1);
        var x = ds.X.ToArray(); var y = ds.Y.ToArray();
        for (int n = 0; n < 50; n++)
        {
            float sum = 0; int marks = 0;
            for (int t = 0; t < 20; t++) if (x[(n * 20 + t) * 2 + 1] == 1) { sum += x[(n * 20 + t) * 2]; marks++; }
            Assert.Equal(2, marks);
            Assert.Equal(sum, y[n], 5);
        }
    }

    [Fact]
    public void ReverseDigitsTargetsAreReversedAndTerminated()
    {
        var (src, tgt) = SyntheticSequences.ReverseDigits(20, 2, 6, 3);
        var s = src.ToLongArray(); var t = tgt.ToLongArray();
        for (int n = 0; n < 20; n++)
        {
            var seq = s.Skip(n * 6).Take(6).TakeWhile(v => v != SyntheticSequences.Pad).ToArray();
            var rev = t.Skip(n * 7).Take(seq.Length).ToArray();
            Assert.Equal(seq.Reverse(), rev);
            Assert.Equal(SyntheticSequences.End, t[n * 7 + seq.Length]);
        }
    }
}
