namespace Tessera;

/// <summary>
/// Recycles the large float arrays behind tensors. An array over 85,000 bytes lives on .NET's large-object heap, and a
/// fresh one costs a page fault per 4 KB page (the GC hands freed large-object memory back to the OS) and pushes the GC
/// towards a full collection: on a 2-core machine an 8 MB array costs 2.1 ms fresh and 0.3 ms reused, so a training step
/// that allocated all its activations and gradients anew spent more time faulting than computing.
/// <para>
/// An array comes back only from an owner that knows nobody else holds it: the autograd engine, for the gradients it has
/// consumed (see <see cref="Autograd.Engine"/>). Arrays are kept by exact length (a tensor's array is exactly its element
/// count), at most <see cref="CapacityBytes"/> in all; a length not asked for between two full collections is dropped.
/// </para>
/// </summary>
internal static class BufferPool
{
    /// <summary>Shorter arrays are ordinary gen-0 allocations, cheaper to make than to pool.</summary>
    public const int MinLength = 16 * 1024;

    /// <summary>The most memory the pool holds: a quarter of what the GC may use, at most 2 GiB.</summary>
    public static readonly long CapacityBytes = Math.Min(2L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    private sealed class Bucket
    {
        public readonly Stack<float[]> Free = new();
        public bool Used;
    }

    private static readonly Dictionary<int, Bucket> Buckets = [];
    private static long _heldBytes;

    /// <summary>Arrays rented on this thread while a backward pass runs on it (the engine's candidates for recycling), with their reference counts.</summary>
    [ThreadStatic] internal static Dictionary<float[], int>? Tracker;

    static BufferPool() => _ = new Gen2Watch();

    /// <summary>An array of exactly <paramref name="length"/> floats with unspecified contents.</summary>
    public static float[] Rent(int length)
    {
        if (length < MinLength) return GC.AllocateUninitializedArray<float>(length);
        float[]? array = null;
        lock (Buckets)
        {
            if (!Buckets.TryGetValue(length, out var bucket)) Buckets[length] = bucket = new Bucket();
            bucket.Used = true;
            if (bucket.Free.TryPop(out array)) _heldBytes -= 4L * length;
        }
        array ??= GC.AllocateUninitializedArray<float>(length);
        Tracker?.TryAdd(array, 0);
        return array;
    }

    /// <summary>An array of exactly <paramref name="length"/> zeros.</summary>
    public static float[] RentZeroed(int length)
    {
        if (length < MinLength) return new float[length];
        var array = Rent(length);
        Array.Clear(array);
        return array;
    }

    /// <summary>Takes back an array that no tensor, span or closure refers to any more.</summary>
    public static void Return(float[] array)
    {
        if (array.Length < MinLength) return;
        lock (Buckets)
        {
            if (_heldBytes + 4L * array.Length > CapacityBytes) return;
            if (!Buckets.TryGetValue(array.Length, out var bucket)) Buckets[array.Length] = bucket = new Bucket();
            bucket.Free.Push(array);
            _heldBytes += 4L * array.Length;
        }
    }

    /// <summary>Bytes held for reuse now (for tests and diagnostics).</summary>
    public static long HeldBytes { get { lock (Buckets) return _heldBytes; } }

    /// <summary>How many arrays of exactly <paramref name="length"/> floats are held for reuse (for tests and diagnostics).</summary>
    public static int HeldCount(int length) { lock (Buckets) return Buckets.TryGetValue(length, out var b) ? b.Free.Count : 0; }

    /// <summary>Drops the arrays of every length not rented since the previous call (run after each full collection).</summary>
    internal static void Trim()
    {
        lock (Buckets)
        {
            foreach (var (length, bucket) in Buckets.ToArray())
            {
                if (bucket.Used) { bucket.Used = false; continue; }
                _heldBytes -= 4L * length * bucket.Free.Count;
                Buckets.Remove(length);
            }
        }
    }

    /// <summary>An object that is finalised after every gen-2 collection and re-registers itself (the pattern of ArrayPool's trimming).</summary>
    private sealed class Gen2Watch
    {
        ~Gen2Watch()
        {
            if (Environment.HasShutdownStarted) return;
            Trim();
            GC.ReRegisterForFinalize(this);
        }
    }
}
