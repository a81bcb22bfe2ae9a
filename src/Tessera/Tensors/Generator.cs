namespace Tessera;

/// <summary>
/// The seedable random generator behind initialisation, shuffling and dropout (xoshiro256**, Blackman &amp; Vigna 2018).
/// Its whole state is four 64-bit words, so a checkpoint can save and restore it exactly.
/// </summary>
public sealed class Generator
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    [ThreadStatic] private static Generator? _default;

    /// <summary>
    /// The generator used when none is given. One per thread, so threads that train or run inference side by side
    /// do not disturb each other's sequences. Seed it with <see cref="ManualSeed"/>.
    /// </summary>
    public static Generator Default => _default ??= new Generator(0x5EED);

    /// <summary>Seeds this thread's default generator (like torch.manual_seed).</summary>
    public static void ManualSeed(ulong seed) => Default.Seed(seed);

    public Generator(ulong seed) => Seed(seed);

    /// <summary>Resets the state from a seed (splitmix64 expansion).</summary>
    public void Seed(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
        _spareNormal = null;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The full state, for checkpoints.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3];

    /// <summary>Restores a state from <see cref="GetState"/>.</summary>
    public void SetState(ReadOnlySpan<ulong> s)
    {
        if (s.Length != 4) throw new ArgumentException($"generator state has 4 words, got {s.Length}");
        (_s0, _s1, _s2, _s3) = (s[0], s[1], s[2], s[3]);
        _spareNormal = null;
    }

    public ulong NextULong()
    {
        ulong result = RotL(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t; _s3 = RotL(_s3, 45);
        return result;
    }

    private static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"NextInt needs n > 0, got {n}");
        return (int)((NextULong() >> 33) % (ulong)n);
    }

    /// <summary>Standard normal (Box–Muller, both values used).</summary>
    public double NextNormal()
    {
        if (_spareNormal is double s) { _spareNormal = null; return s; }
        double u1, u2;
        do { u1 = NextDouble(); } while (u1 <= double.Epsilon);
        u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = NextInt(i + 1); (p[i], p[j]) = (p[j], p[i]); }
        return p;
    }
}
