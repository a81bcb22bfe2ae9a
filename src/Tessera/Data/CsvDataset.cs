using System.Globalization;

namespace Tessera.Data;

/// <summary>Numeric CSV tables: every column a feature except the label column (int class ids).</summary>
public static class CsvDataset
{
    /// <summary>
    /// Reads a CSV file (optionally gzipped; a header row is detected when its first field is not a number) into
    /// features [N, F] and labels int64 [N] from column <paramref name="labelColumn"/> (negative counts from the end).
    /// </summary>
    public static TensorDataset Load(string path, int labelColumn = -1)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        using var fs = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new System.IO.Compression.GZipStream(fs, System.IO.Compression.CompressionMode.Decompress) : fs;
        using var reader = new StreamReader(s);
        var rows = new List<float[]>(); var labels = new List<long>();
        int width = -1, lineNo = 0;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var parts = line.Split(',');
            if (lineNo == 1 && !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _)) continue;
            if (width < 0) width = parts.Length;
            if (parts.Length != width) throw new InvalidDataException($"{path}:{lineNo}: {parts.Length} columns, expected {width}");
            int lc = labelColumn < 0 ? width + labelColumn : labelColumn;
            if (lc < 0 || lc >= width) throw new ArgumentException($"{path}: label column {labelColumn} is outside {width} columns");
            var row = new float[width - 1]; int k = 0;
            for (int j = 0; j < width; j++)
            {
                if (!double.TryParse(parts[j], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new InvalidDataException($"{path}:{lineNo}: column {j + 1} is not a number ('{parts[j]}')");
                if (j == lc) labels.Add((long)v); else row[k++] = (float)v;
            }
            rows.Add(row);
        }
        if (rows.Count == 0) throw new InvalidDataException($"{path}: no data rows");
        var x = new float[rows.Count * (width - 1)];
        for (int i = 0; i < rows.Count; i++) rows[i].CopyTo(x, i * (width - 1));
        return new TensorDataset(Tensor.Wrap(x, rows.Count, width - 1), Tensor.FromLongs(labels.ToArray()));
    }
}
