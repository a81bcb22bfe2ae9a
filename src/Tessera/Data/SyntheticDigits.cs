namespace Tessera.Data;

/// <summary>
/// The embedded default dataset: 28×28 grey-scale digits 0–9 rendered procedurally from pen-stroke templates, each with
/// its own random affine transform (rotation, scale, shear, shift), jittered control points, stroke thickness and pixel
/// noise, so a CNN has a real task and a fresh machine needs no download. Deterministic for a seed, whatever the threads.
/// Images [N, 1, 28, 28] in [0, 1], labels int64 [N] (balanced, shuffled).
/// </summary>
public static class SyntheticDigits
{
    public const int Size = 28;

    /// <summary>Generates <paramref name="count"/> digits from <paramref name="seed"/>.</summary>
    public static TensorDataset Generate(int count, ulong seed)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), $"SyntheticDigits: count must be positive, got {count}");
        var images = new float[count * Size * Size];
        var labels = new long[count];
        var order = new Generator(seed).Permutation(count);
        Parallel.For(0, count, i =>
        {
            int digit = order[i] % 10;
            labels[i] = digit;
            // One generator per image, derived from the seed and the index, so the result is independent of scheduling.
            var g = new Generator(seed * 0x9E3779B97F4A7C15UL + (ulong)i + 1);
            Render(digit, g, images.AsSpan(i * Size * Size, Size * Size));
        });
        return new TensorDataset(Tensor.Wrap(images, count, 1, Size, Size), Tensor.FromLongs(labels));
    }

    /// <summary>Draws one digit into a 28×28 buffer.</summary>
    public static void Render(int digit, Generator g, Span<float> image)
    {
        var strokes = Templates[digit];
        double U(double a, double b) => a + (b - a) * g.NextDouble();
        double angle = U(-0.35, 0.35), sx = U(0.72, 1.08), sy = sx * U(0.85, 1.15), shear = U(-0.3, 0.3);
        double tx = U(-0.09, 0.09), ty = U(-0.08, 0.08);
        double thick = U(0.7, 2.2), jitter = 0.05;
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        // Template space is the unit box (y down), centred at 0.5; the digit box maps onto ~20 px like MNIST.
        (double, double) Map((double X, double Y) p)
        {
            double x = (p.X - 0.5) * sx + shear * (p.Y - 0.5), y = (p.Y - 0.5) * sy;
            double rx = cos * x - sin * y + tx, ry = sin * x + cos * y + ty;
            return (13.5 + rx * 20, 13.5 + ry * 20);
        }
        var segs = new List<(double X0, double Y0, double X1, double Y1)>();
        foreach (var stroke in strokes)
        {
            (double, double)? prev = null;
            foreach (var p in stroke)
            {
                var q = Map((p.X + U(-jitter, jitter), p.Y + U(-jitter, jitter)));
                if (prev is var (px, py)) segs.Add((px, py, q.Item1, q.Item2));
                prev = q;
            }
        }
        // Clutter: a short stray stroke on some images, so the classes are not separable by ink alone.
        if (g.NextDouble() < 0.3)
        {
            double x0 = U(2, 25), y0 = U(2, 25), a = U(0, 2 * Math.PI), len = U(3, 8);
            segs.Add((x0, y0, x0 + len * Math.Cos(a), y0 + len * Math.Sin(a)));
        }
        double noise = U(0.0, 0.15);
        for (int r = 0; r < Size; r++)
            for (int c = 0; c < Size; c++)
            {
                double best = double.MaxValue;
                foreach (var (x0, y0, x1, y1) in segs) best = Math.Min(best, SegmentDistance(c, r, x0, y0, x1, y1));
                double v = Math.Clamp(thick - best + 0.5, 0, 1) + noise * g.NextNormal();
                image[r * Size + c] = (float)Math.Clamp(v, 0, 1);
            }
    }

    private static double SegmentDistance(double px, double py, double x0, double y0, double x1, double y1)
    {
        double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
        double t = len2 == 0 ? 0 : Math.Clamp(((px - x0) * dx + (py - y0) * dy) / len2, 0, 1);
        double ex = x0 + t * dx - px, ey = y0 + t * dy - py;
        return Math.Sqrt(ex * ex + ey * ey);
    }

    private static (double X, double Y)[] Arc(double cx, double cy, double rx, double ry, double fromDeg, double toDeg, int n = 14)
    {
        var pts = new (double, double)[n + 1];
        for (int i = 0; i <= n; i++)
        {
            double a = (fromDeg + (toDeg - fromDeg) * i / n) * Math.PI / 180;
            pts[i] = (cx + rx * Math.Cos(a), cy + ry * Math.Sin(a));
        }
        return pts;
    }

    private static (double X, double Y)[] Line(params (double X, double Y)[] pts) => pts;

    private static (double X, double Y)[] Concat(params (double X, double Y)[][] parts) => parts.SelectMany(p => p).ToArray();

    // Pen strokes per digit in the unit box, y pointing down (angles: 0° right, 90° down, 270° up).
    private static readonly (double X, double Y)[][][] Templates =
    [
        [Arc(0.5, 0.5, 0.27, 0.4, 0, 360, 20)],                                                            // 0
        [Line((0.36, 0.26), (0.52, 0.1), (0.52, 0.9))],                                                   // 1
        [Concat(Arc(0.5, 0.32, 0.25, 0.21, 180, 380), Line((0.25, 0.9), (0.8, 0.9)))],                     // 2
        [Arc(0.5, 0.31, 0.22, 0.19, 200, 450), Arc(0.5, 0.69, 0.26, 0.21, 270, 520)],                     // 3
        [Line((0.66, 0.9), (0.66, 0.1), (0.2, 0.64), (0.82, 0.64))],                                       // 4
        [Concat(Line((0.76, 0.1), (0.32, 0.1), (0.29, 0.45)), Arc(0.48, 0.64, 0.26, 0.23, 215, 500))],   // 5
        [Arc(0.62, 0.56, 0.33, 0.44, 250, 180, 8), Arc(0.5, 0.69, 0.21, 0.2, 180, 540, 18)],               // 6
        [Line((0.2, 0.1), (0.8, 0.1), (0.42, 0.9))],                                                       // 7
        [Arc(0.5, 0.29, 0.19, 0.18, 0, 360, 16), Arc(0.5, 0.7, 0.23, 0.21, 0, 360, 18)],                  // 8
        [Concat(Arc(0.5, 0.32, 0.21, 0.21, 0, 360, 18), Line((0.71, 0.32), (0.62, 0.9)))],                // 9
    ];
}
