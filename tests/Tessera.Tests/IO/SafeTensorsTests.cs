using System.Text;
using Tessera.IO;
using Tessera.NN;

namespace Tessera.Tests.IO;

public class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-st").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void RoundTripsAllDtypesAndMetadata()
    {
        var path = Path.Combine(_dir, "a.safetensors");
        var t = new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.Randn([3, 4]),
            ["idx"] = Tensor.FromLongs([1, -2, 3]),
            ["mask"] = Tensor.FromBools([true, false]),
            ["s"] = Tensor.Scalar(2.5f),
        };
        SafeTensors.Save(path, t, new Dictionary<string, string> { ["format"] = "pt" });
        var back = SafeTensors.Load(path, out var meta);
        Assert.Equal("pt", meta["format"]);
        Assert.Equal(t["w"].ToArray(), back["w"].ToArray());
        Assert.Equal([1L, -2L, 3L], back["idx"].ToLongArray());
        Assert.Equal([true, false], back["mask"].BoolData.ToArray());
        Assert.Empty(back["s"].Shape);
        // The header is padded so the data block starts 8-byte aligned, as the Python writer does.
        Assert.Equal(0, BitConverter.ToInt64(File.ReadAllBytes(path), 0) % 8);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void ReadsAHandWrittenFileInThePythonLayout()
    {
        // {"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} followed by 1.0f, 2.0f.
        var header = Encoding.UTF8.GetBytes("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""");
        var bytes = BitConverter.GetBytes((ulong)header.Length).Concat(header).Concat(BitConverter.GetBytes(1f)).Concat(BitConverter.GetBytes(2f)).ToArray();
        var t = SafeTensors.Parse(bytes, out _);
        Assert.Equal([1f, 2f], t["x"].ToArray());
    }

    [Fact]
    public void TruncatedFileNamesFileAndProblem()
    {
        var path = Path.Combine(_dir, "t.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones(10, 10) });
        var bytes = File.ReadAllBytes(path);
        foreach (var cut in new[] { 0, 5, 12, bytes.Length - 1 })
        {
            File.WriteAllBytes(path, bytes[..cut]);
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("truncated", e.Message);
        }
    }

    [Theory]
    [InlineData("""{"x":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}""", "not supported")]
    [InlineData("""{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "needs 12")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[4,0]}}""", "invalid data_offsets")]
    [InlineData("""{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}}""", "invalid dimension")]
    [InlineData("""{"x":1""", "not valid JSON")]
    [InlineData("""{"x":{"dtype":"F32"}}""", "needs dtype, shape and data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "overlaps")]
    public void MalformedHeaderGivesClearError(string header, string expected)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = BitConverter.GetBytes((ulong)h.Length).Concat(h).Concat(new byte[8]).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Parse(bytes, out _));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void HugeHeaderLengthIsRejectedWithoutReading()
    {
        var bytes = BitConverter.GetBytes(ulong.MaxValue).Concat(new byte[16]).ToArray();
        Assert.Contains("implausible", Assert.Throws<InvalidDataException>(() => SafeTensors.Parse(bytes, out _)).Message);
    }

    [Fact]
    public void ModuleWeightsSaveAndLoad()
    {
        var path = Path.Combine(_dir, "m.safetensors");
        var a = new Sequential(new Linear(3, 2), new Tanh(), new Linear(2, 1));
        a.SaveWeights(path);
        var b = new Sequential(new Linear(3, 2), new Tanh(), new Linear(2, 1));
        b.LoadWeights(path);
        var x = Tensor.Randn([4, 3]);
        Assert.Equal(a.Forward(x).ToArray(), b.Forward(x).ToArray());
        var wrong = new Sequential(new Linear(3, 4));
        var e = Assert.Throws<InvalidDataException>(() => wrong.LoadWeights(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("0.weight: expected float32 [4, 3], got float32 [2, 3]", e.Message);
    }
}
