using System.Buffers.Binary;
using System.IO.Compression;

namespace Tessera.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (LeCun et al.): big-endian magic 0x0000_08_NN (unsigned bytes, NN dims),
/// NN big-endian int32 sizes, then the data. Files may be gzipped (.gz). Every size is checked against the file length.
/// </summary>
public static class Idx
{
    /// <summary>Reads an IDX file of unsigned bytes: the dims and the raw values.</summary>
    public static (int[] Dims, byte[] Data) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        byte[] bytes;
        try
        {
            using var fs = File.OpenRead(path);
            using Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(fs, CompressionMode.Decompress) : fs;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            bytes = ms.ToArray();
        }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: corrupt gzip data ({e.Message})", e); }
        if (bytes.Length < 4) throw new InvalidDataException($"{path}: truncated IDX file ({bytes.Length} bytes)");
        if (bytes[0] != 0 || bytes[1] != 0) throw new InvalidDataException($"{path}: not an IDX file (magic starts {bytes[0]:x2}{bytes[1]:x2}, expected 0000)");
        if (bytes[2] != 0x08) throw new InvalidDataException($"{path}: IDX element type 0x{bytes[2]:x2} is not supported (only unsigned bytes, 0x08)");
        int rank = bytes[3];
        if (rank < 1 || rank > 4) throw new InvalidDataException($"{path}: IDX rank {rank} is not supported");
        if (bytes.Length < 4 + 4 * rank) throw new InvalidDataException($"{path}: truncated IDX header");
        var dims = new int[rank]; long count = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dims[i] < 0) throw new InvalidDataException($"{path}: negative IDX dimension {dims[i]}");
            count *= dims[i];
        }
        long have = bytes.Length - (4 + 4 * rank);
        if (have < count) throw new InvalidDataException($"{path}: truncated: header declares {count} values ([{string.Join(", ", dims)}]), file holds {have}");
        return (dims, bytes.AsSpan(4 + 4 * rank, (int)count).ToArray());
    }

    /// <summary>Images [N, rows, cols] → float32 [N, 1, rows, cols] scaled to [0, 1].</summary>
    public static Tensor ReadImages(string path)
    {
        var (dims, data) = Read(path);
        if (dims.Length != 3) throw new InvalidDataException($"{path}: expected an image file of rank 3 (N, rows, cols), got rank {dims.Length}");
        var f = new float[data.Length];
        for (int i = 0; i < f.Length; i++) f[i] = data[i] / 255f;
        return Tensor.Wrap(f, dims[0], 1, dims[1], dims[2]);
    }

    /// <summary>Labels [N] → int64 [N].</summary>
    public static Tensor ReadLabels(string path)
    {
        var (dims, data) = Read(path);
        if (dims.Length != 1) throw new InvalidDataException($"{path}: expected a label file of rank 1, got rank {dims.Length}");
        return Tensor.FromLongs(data.Select(b => (long)b).ToArray());
    }

    /// <summary>
    /// Loads MNIST or Fashion-MNIST from a folder holding the standard file names (train-images-idx3-ubyte[.gz], ...).
    /// </summary>
    public static (TensorDataset Train, TensorDataset Test) LoadMnistFolder(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"data directory '{dir}' does not exist");
        string Find(string stem)
        {
            foreach (var name in new[] { stem, stem + ".gz" })
            {
                var p = Path.Combine(dir, name);
                if (File.Exists(p)) return p;
            }
            throw new FileNotFoundException($"{Path.Combine(dir, stem)}[.gz]: file not found (expected the MNIST-format files in '{dir}')");
        }
        var train = new TensorDataset(ReadImages(Find("train-images-idx3-ubyte")), ReadLabels(Find("train-labels-idx1-ubyte")));
        var test = new TensorDataset(ReadImages(Find("t10k-images-idx3-ubyte")), ReadLabels(Find("t10k-labels-idx1-ubyte")));
        return (train, test);
    }
}
