using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Tessera.IO;

/// <summary>
/// The safetensors format (as Python's <c>safetensors</c> reads and writes it): an 8-byte little-endian header length,
/// a JSON header mapping each name to {dtype, shape, data_offsets} (offsets relative to the data block), then the raw
/// little-endian data. Reading validates every length and offset, so a truncated or corrupt file gives an error naming
/// the file and the problem, never an out-of-range read.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeader = 100L << 20;

    /// <summary>Writes tensors (sorted by name, as the Python library does) atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        => AtomicFile.Write(path, s => Write(s, tensors, metadata));

    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var n in names)
            {
                var t = tensors[n];
                long len = (long)t.Numel * DTypes.ByteSize(t.DType);
                w.WriteStartObject(n);
                w.WriteString("dtype", Code(t.DType));
                w.WriteStartArray("shape"); foreach (var d in t.Dims) w.WriteNumberValue(d); w.WriteEndArray();
                w.WriteStartArray("data_offsets"); w.WriteNumberValue(offset); w.WriteNumberValue(offset + len); w.WriteEndArray();
                w.WriteEndObject();
                offset += len;
            }
            w.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8 bytes so the data block is aligned (the Python writer does too).
        int pad = (int)((8 - ms.Length % 8) % 8);
        for (int i = 0; i < pad; i++) ms.WriteByte((byte)' ');
        Span<byte> len8 = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len8, (ulong)ms.Length);
        stream.Write(len8);
        ms.Position = 0; ms.CopyTo(stream);
        foreach (var n in names) WriteData(stream, tensors[n]);
    }

    private static void WriteData(Stream s, Tensor t)
    {
        switch (t.DType)
        {
            case DType.Float32: s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Data)); break;
            case DType.Int64: s.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.LongData)); break;
            default: foreach (var b in t.BoolData) s.WriteByte(b ? (byte)1 : (byte)0); break;
        }
    }

    private static string Code(DType t) => t switch { DType.Float32 => "F32", DType.Int64 => "I64", _ => "BOOL" };

    /// <summary>Reads every tensor of a safetensors file.</summary>
    public static Dictionary<string, Tensor> Load(string path) => Load(path, out _);

    /// <summary>Reads every tensor and the <c>__metadata__</c> strings of a safetensors file.</summary>
    public static Dictionary<string, Tensor> Load(string path, out Dictionary<string, string> metadata)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        var bytes = File.ReadAllBytes(path);
        try { return Parse(bytes, out metadata); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }

    /// <summary>Parses safetensors bytes; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static Dictionary<string, Tensor> Parse(ReadOnlySpan<byte> bytes, out Dictionary<string, string> metadata)
    {
        metadata = [];
        if (bytes.Length < 8) throw new InvalidDataException($"truncated: {bytes.Length} bytes, a safetensors file starts with an 8-byte header length");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > MaxHeader) throw new InvalidDataException($"header length {n} is implausible (more than {MaxHeader} bytes); not a safetensors file?");
        if ((ulong)bytes.Length < 8 + n) throw new InvalidDataException($"truncated: header says {n} bytes of JSON, file has {bytes.Length - 8} after the length");
        var data = bytes[(8 + (int)n)..];
        JsonDocument doc;
        try { doc = JsonDocument.Parse(Encoding.UTF8.GetString(bytes.Slice(8, (int)n)).TrimEnd(' ', '\0')); }
        catch (JsonException e) { throw new InvalidDataException($"header is not valid JSON: {e.Message}"); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("header is not a JSON object");
        var result = new Dictionary<string, Tensor>();
        var ranges = new List<(long Begin, long End, string Name)>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__")
            {
                if (p.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException("__metadata__ is not an object");
                foreach (var m in p.Value.EnumerateObject()) metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.ToString();
                continue;
            }
            result[p.Name] = ReadTensor(p.Name, p.Value, data, ranges);
        }
        return result;
    }

    private static Tensor ReadTensor(string name, JsonElement e, ReadOnlySpan<byte> data, List<(long, long, string)> ranges)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("dtype", out var dt) || !e.TryGetProperty("shape", out var sh) || !e.TryGetProperty("data_offsets", out var off))
            throw new InvalidDataException($"tensor '{name}': entry needs dtype, shape and data_offsets");
        var dtype = dt.GetString() switch
        {
            "F32" => DType.Float32,
            "I64" => DType.Int64,
            "BOOL" => DType.Bool,
            var other => throw new InvalidDataException($"tensor '{name}': dtype '{other}' is not supported (F32, I64, BOOL)"),
        };
        if (sh.ValueKind != JsonValueKind.Array || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new InvalidDataException($"tensor '{name}': shape must be a list and data_offsets a pair");
        var shape = new List<int>();
        long count = 1;
        foreach (var d in sh.EnumerateArray())
        {
            if (!d.TryGetInt64(out var v) || v < 0 || v > int.MaxValue) throw new InvalidDataException($"tensor '{name}': invalid dimension {d} in shape");
            shape.Add((int)v); count *= v;
            if (count > int.MaxValue) throw new InvalidDataException($"tensor '{name}': shape has too many elements");
        }
        if (!off[0].TryGetInt64(out var begin) || !off[1].TryGetInt64(out var end) || begin < 0 || end < begin)
            throw new InvalidDataException($"tensor '{name}': invalid data_offsets {off}");
        if (end > data.Length) throw new InvalidDataException($"truncated: tensor '{name}' needs bytes {begin}..{end} of the data block, which has {data.Length}");
        long expected = count * DTypes.ByteSize(dtype);
        if (end - begin != expected) throw new InvalidDataException($"tensor '{name}': data_offsets cover {end - begin} bytes, shape [{string.Join(", ", shape)}] of {dt.GetString()} needs {expected}");
        foreach (var (b, en, other) in ranges)
            if (begin < en && b < end) throw new InvalidDataException($"tensor '{name}': data overlaps tensor '{other}'");
        ranges.Add((begin, end, name));
        var raw = data.Slice((int)begin, (int)(end - begin));
        var s = shape.ToArray();
        switch (dtype)
        {
            case DType.Float32: { var a = new float[count]; raw.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan())); return Tensor.Wrap(a, s); }
            case DType.Int64: { var a = new long[count]; raw.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan())); return new Tensor(s, a); }
            default:
                {
                    var a = new bool[count];
                    for (int i = 0; i < a.Length; i++)
                        a[i] = raw[i] switch { 0 => false, 1 => true, var b => throw new InvalidDataException($"tensor '{name}': bool byte {b} at {i} is neither 0 nor 1") };
                    return new Tensor(s, a);
                }
        }
    }
}

/// <summary>Saving and loading a module's state dict as safetensors.</summary>
public static class ModuleFiles
{
    /// <summary>Writes the module's parameters and persistent buffers to a safetensors file (atomically).</summary>
    public static void SaveWeights(this NN.Module module, string path) => SafeTensors.Save(path, module.StateDict());

    /// <summary>Loads a safetensors file into the module (strict by default: one error lists every missing, unexpected and mis-shaped key).</summary>
    public static void LoadWeights(this NN.Module module, string path, bool strict = true)
    {
        var state = SafeTensors.Load(path);
        try { module.LoadStateDict(state, strict); }
        catch (ArgumentException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }
}
