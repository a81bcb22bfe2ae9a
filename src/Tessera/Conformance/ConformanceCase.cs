using System.Text.Json;

namespace Tessera.Conformance;

/// <summary>One golden case (format tessera-conformance/1): an op, its config, parameters, inputs, and the reference outputs and gradients.</summary>
public sealed class ConformanceCase
{
    public required string Name { get; init; }
    public required string Op { get; init; }
    public required JsonElement Config { get; init; }
    public required string Mode { get; init; }
    public required Dictionary<string, Tensor> Params { get; init; }
    public required Dictionary<string, Tensor> Buffers { get; init; }
    public required List<Tensor?> Inputs { get; init; }
    public required List<Tensor?> Outputs { get; init; }
    public required List<Tensor?> GradOutputs { get; init; }
    public required List<Tensor?> GradInputs { get; init; }
    public required Dictionary<string, Tensor> GradParams { get; init; }
    public required Dictionary<string, Tensor> BuffersAfter { get; init; }
    public double Rtol { get; init; } = 1e-4;
    public double Atol { get; init; } = 1e-5;
    public string? SourcePath { get; init; }

    public const string Format = "tessera-conformance/1";

    /// <summary>Reads a case file; a malformed file throws naming the file and what is wrong.</summary>
    public static ConformanceCase Load(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return Parse(doc.RootElement.Clone(), path);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: not a valid conformance case: {e.Message}", e);
        }
    }

    public static ConformanceCase Parse(JsonElement root, string? path = null)
    {
        var format = root.GetProperty("format").GetString();
        if (format != Format) throw new InvalidDataException($"{path}: format is '{format}', expected '{Format}'");
        return new ConformanceCase
        {
            Name = root.TryGetProperty("case", out var c) ? c.GetString()! : Path.GetFileNameWithoutExtension(path ?? "case"),
            Op = root.GetProperty("op").GetString()!,
            Config = root.TryGetProperty("config", out var cfg) ? cfg : default,
            Mode = root.TryGetProperty("mode", out var m) ? m.GetString() ?? "train" : "train",
            Params = Dict(root, "params"),
            Buffers = Dict(root, "buffers"),
            Inputs = List(root, "inputs"),
            Outputs = List(root, "outputs"),
            GradOutputs = List(root, "grad_outputs"),
            GradInputs = List(root, "grad_inputs"),
            GradParams = Dict(root, "grad_params"),
            BuffersAfter = Dict(root, "buffers_after"),
            Rtol = root.TryGetProperty("rtol", out var r) ? r.GetDouble() : 1e-4,
            Atol = root.TryGetProperty("atol", out var a) ? a.GetDouble() : 1e-5,
            SourcePath = path,
        };
    }

    private static Dictionary<string, Tensor> Dict(JsonElement root, string key)
    {
        var d = new Dictionary<string, Tensor>();
        if (!root.TryGetProperty(key, out var e) || e.ValueKind == JsonValueKind.Null) return d;
        foreach (var p in e.EnumerateObject())
            if (p.Value.ValueKind != JsonValueKind.Null) d[p.Name] = DecodeTensor(p.Value);
        return d;
    }

    private static List<Tensor?> List(JsonElement root, string key)
    {
        var l = new List<Tensor?>();
        if (!root.TryGetProperty(key, out var e) || e.ValueKind == JsonValueKind.Null) return l;
        foreach (var v in e.EnumerateArray()) l.Add(v.ValueKind == JsonValueKind.Null ? null : DecodeTensor(v));
        return l;
    }

    /// <summary>{"shape", "dtype", "data": base64 little-endian row-major} → tensor.</summary>
    public static Tensor DecodeTensor(JsonElement e)
    {
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var dtype = e.GetProperty("dtype").GetString();
        var bytes = Convert.FromBase64String(e.GetProperty("data").GetString() ?? "");
        int n = ShapeUtil.Numel(shape);
        int size = dtype switch { "float32" => 4, "int64" => 8, "bool" => 1, _ => throw new InvalidDataException($"unknown dtype '{dtype}'") };
        if (bytes.Length != n * size) throw new InvalidDataException($"tensor of shape {ShapeUtil.Format(shape)} and dtype {dtype} needs {n * size} bytes, has {bytes.Length}");
        switch (dtype)
        {
            case "float32": { var d = new float[n]; Buffer.BlockCopy(bytes, 0, d, 0, bytes.Length); return Tensor.Wrap(d, shape); }
            case "int64": { var d = new long[n]; Buffer.BlockCopy(bytes, 0, d, 0, bytes.Length); return Tensor.FromLongs(d, shape.Length == 0 ? [] : shape).WithShape(shape, false); }
            default: return Tensor.FromBools(bytes.Select(b => b != 0).ToArray(), shape.Length == 0 ? [1] : shape).WithShape(shape, false);
        }
    }
}
