using System.Text.Json;

namespace Tessera.Conformance;

/// <summary>
/// Typed access to a case's config that records which keys were read, so a key the op does not understand
/// fails the case instead of being silently ignored.
/// </summary>
public sealed class CaseConfig(JsonElement root)
{
    private readonly HashSet<string> _read = [];

    public bool Has(string key) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    private JsonElement Get(string key)
    {
        _read.Add(key);
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(key, out var v))
            throw new KeyNotFoundException($"config key '{key}' is missing");
        return v;
    }

    /// <summary>Marks a key as understood without reading it (e.g. a value implied by another key).</summary>
    public void Accept(string key) => _read.Add(key);

    public int Int(string key) => Get(key).GetInt32();
    public int Int(string key, int fallback) => Has(key) ? Int(key) : Mark(key, fallback);
    public int? IntOrNull(string key) { var v = Has(key) ? Get(key) : Mark(key, default(JsonElement)); return v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null; }
    public long Long(string key, long fallback) => Has(key) ? Get(key).GetInt64() : Mark(key, fallback);
    public double Double(string key) { var v = Get(key); return v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : v.GetDouble(); }
    public double Double(string key, double fallback) => Has(key) ? Double(key) : Mark(key, fallback);
    public float Float(string key, float fallback) => (float)Double(key, fallback);
    public float Float(string key) => (float)Double(key);
    public bool Bool(string key, bool fallback) => Has(key) ? Get(key).GetBoolean() : Mark(key, fallback);
    public string String(string key, string fallback) => Has(key) ? Get(key).ToString() : Mark(key, fallback);
    public JsonElement Raw(string key) => Get(key);

    /// <summary>An int or a list of ints, as int[] (a single int is repeated <paramref name="repeat"/> times).</summary>
    public int[] Ints(string key, int repeat = 1)
    {
        var v = Get(key);
        return v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(e => e.GetInt32()).ToArray() : Enumerable.Repeat(v.GetInt32(), repeat).ToArray();
    }

    private T Mark<T>(string key, T value) { _read.Add(key); return value; }

    /// <summary>Keys present in the config that no builder read.</summary>
    public IEnumerable<string> Unread()
    {
        if (root.ValueKind != JsonValueKind.Object) yield break;
        foreach (var p in root.EnumerateObject()) if (!_read.Contains(p.Name)) yield return p.Name;
    }
}
