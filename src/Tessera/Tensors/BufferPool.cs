using System.Runtime.CompilerServices;

namespace Tessera;

/// <summary>
/// Recycles the large float arrays behind tensors, the way PyTorch's caching allocator does. An array over 85,000 bytes
/// lives on .NET's large-object heap, and a fresh one costs a page fault per 4 KB page (the GC hands freed
/// large-object memory back to the OS): on a 2-core machine an 8 MB array costs 2.1 ms fresh and 0.3 ms reused, so a
/// training step that allocated its activations and gradients anew spent more time faulting than computing.
/// <para>
/// Arrays come back two ways. The autograd engine returns the gradients it has consumed at once (see
/// <see cref="Autograd.Engine"/>). Every other array comes back when the GC finds it unreachable: each rented array has a
/// <see cref="Sentinel"/> that lives exactly as long as the array (a dependent handle, via a ConditionalWeakTable) and
/// holds it; when a full collection finds the array dead, the sentinel's finalizer resurrects it into the pool. Reachability
/// is the GC's own, so an array still seen through a tensor, a span or a raw reference is never handed out twice.
/// Since only full collections find dead large arrays, the pool asks for one itself when it has handed out
/// <see cref="CollectEveryBytes"/> since the last and then finds no array of the size asked for.
/// </para>
/// Arrays are kept by exact length (a tensor's array is exactly its element count), at most <see cref="CapacityBytes"/>
/// in all; at a full collection, the arrays of a length not asked for in the last <see cref="TrimAfterMs"/> are dropped.
/// </summary>
internal static class BufferPool
{
    /// <summary>Arrays from this length on live on the large-object heap (85,000 bytes); shorter ones are cheap gen-0 allocations.</summary>
    public const int MinLength = 85_000 / sizeof(float);

    /// <summary>The most memory the pool holds: an eighth of what the GC may use, at most 512 MiB.</summary>
    public static readonly long CapacityBytes = Math.Min(512L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <summary>Bytes handed out after which a miss triggers a full collection to bring dead arrays back.</summary>
    public static readonly long CollectEveryBytes = CapacityBytes / 4;

    /// <summary>Owns one pooled array and lives as long as it does; its finalizer brings the array back.</summary>
    private sealed class Sentinel(float[] array)
    {
        public readonly float[] Array = array;

        ~Sentinel()
        {
            if (Environment.HasShutdownStarted) return;
            if (Push(this)) GC.ReRegisterForFinalize(this);
        }
    }

    private sealed class Bucket
    {
        public readonly Stack<Sentinel> Free = new();
        public long LastUsed = Environment.TickCount64;
    }

    private static readonly Dictionary<int, Bucket> Buckets = [];
    private static readonly ConditionalWeakTable<float[], Sentinel> Owners = [];
    private static long _heldBytes, _handedOutBytes;
    private static int _lastGen2;

    /// <summary>Arrays rented on this thread while a backward pass runs on it (the engine's candidates for recycling), with their reference counts.</summary>
    [ThreadStatic] internal static Dictionary<float[], int>? Tracker;

    static BufferPool() => _ = new Gen2Watch();

    /// <summary>An array of exactly <paramref name="length"/> floats with unspecified contents.</summary>
    public static float[] Rent(int length)
    {
        if (length < MinLength) return GC.AllocateUninitializedArray<float>(length);
        var sentinel = Pop(length, out bool collect);
        if (sentinel == null && collect)
        {
            // Dead arrays only come back after a full collection finds them; their sentinels' finalizers return them.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
            GC.WaitForPendingFinalizers();
            sentinel = Pop(length, out _);
        }
        sentinel ??= new Sentinel(GC.AllocateUninitializedArray<float>(length));
        Owners.AddOrUpdate(sentinel.Array, sentinel);   // new, or resurrected (which lost its entry)
        Tracker?.TryAdd(sentinel.Array, 0);
        return sentinel.Array;
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
        if (!Owners.TryGetValue(array, out var sentinel))
        {
            sentinel = new Sentinel(array);
            Owners.AddOrUpdate(array, sentinel);
        }
        Push(sentinel);
    }

    private static Sentinel? Pop(int length, out bool collect)
    {
        lock (Buckets)
        {
            int gen2 = GC.CollectionCount(2);
            if (gen2 != _lastGen2) { _lastGen2 = gen2; _handedOutBytes = 0; }
            _handedOutBytes += 4L * length;
            collect = _handedOutBytes > CollectEveryBytes;
            var bucket = BucketFor(length);
            bucket.LastUsed = Environment.TickCount64;
            if (!bucket.Free.TryPop(out var sentinel)) return null;
            _heldBytes -= 4L * length;
            return sentinel;
        }
    }

    /// <summary>Keeps the sentinel's array for reuse; false when the pool is full (the array is left to the GC).</summary>
    private static bool Push(Sentinel sentinel)
    {
        int length = sentinel.Array.Length;
        lock (Buckets)
        {
            if (_heldBytes + 4L * length > CapacityBytes) return false;
            BucketFor(length).Free.Push(sentinel);
            _heldBytes += 4L * length;
            return true;
        }
    }

    /// <summary>The bucket of <paramref name="length"/>, made on first use (the caller holds the lock).</summary>
    private static Bucket BucketFor(int length)
    {
        if (!Buckets.TryGetValue(length, out var bucket)) Buckets[length] = bucket = new Bucket();
        return bucket;
    }

    /// <summary>How many arrays of exactly <paramref name="length"/> floats are held for reuse (for tests and diagnostics).</summary>
    public static int HeldCount(int length) { lock (Buckets) return Buckets.TryGetValue(length, out var b) ? b.Free.Count : 0; }

    /// <summary>Milliseconds without a request after which a length's arrays are dropped at the next full collection.</summary>
    public const long TrimAfterMs = 10_000;

    /// <summary>Drops the arrays of every length not rented in the last <see cref="TrimAfterMs"/> (run after each full collection).</summary>
    internal static void Trim()
    {
        long now = Environment.TickCount64;
        lock (Buckets)
        {
            foreach (var (length, bucket) in Buckets.ToArray())
            {
                if (now - bucket.LastUsed < TrimAfterMs) continue;
                // Dropped sentinels must not come back: their arrays go to the GC with them.
                foreach (var s in bucket.Free) GC.SuppressFinalize(s);
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
