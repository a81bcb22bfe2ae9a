using System.Buffers;
using System.Runtime.CompilerServices;

namespace Tessera.Kernels;

/// <summary>
/// op(A), op(B) and C of one GEMM call as raw pointers with element strides: op(A)[i,p] = A[i·Ars + p·Acs],
/// op(B)[p,j] = B[p·Brs + j·Bcs], C[i,j] = C[i·Crs + j·Ccs]. Transposition is only a swap of strides, and a
/// struct (rather than pinned locals) can be captured by the Parallel.For bodies.
/// </summary>
internal readonly unsafe struct GemmOperands(float* a, nint ars, nint acs, float* b, nint brs, nint bcs, float* c, nint crs, nint ccs,
    int m, int n, int k, float alpha, float beta)
{
    public readonly float* A = a, B = b, C = c;
    public readonly nint Ars = ars, Acs = acs, Brs = brs, Bcs = bcs, Crs = crs, Ccs = ccs;
    public readonly int M = m, N = n, K = k;
    public readonly float Alpha = alpha, Beta = beta;

    /// <summary>The same product as Cᵀ = op(B)ᵀ·op(A)ᵀ, so that code for a tiny M also serves a tiny N.</summary>
    public GemmOperands Transposed() => new(B, Bcs, Brs, A, Acs, Ars, C, Ccs, Crs, N, M, K, Alpha, Beta);
}

/// <summary>
/// The blocked GEMM of Goto &amp; van de Geijn, "Anatomy of High-Performance Matrix Multiplication" (ACM TOMS 2008), in
/// the loop order of BLIS (Van Zee &amp; van de Geijn 2015), mirrored for row-major C whose rows are the vector dimension:
/// <code>
/// for pc in k step KC:                      (one rank-KC update of C; beta applies to the first only)
///   for ic in m step MC:  pack Ã = op(A)[ic:+MC, pc:+KC]   — MR-row micro-panels
///     for jc in n step NC:  pack B̃ = op(B)[pc:+KC, jc:+NC] — NR-column micro-panels, KC·NC·4 B fits in L2
///       for ir in MC step MR:                  Ã micro-panel (MR·KC·4 B) stays in L1 ...
///         for jr in NC step NR:                ... while B̃ micro-panels stream from L2
///           micro-kernel: C[ir:+MR, jr:+NR] += Ã_ir · B̃_jr
/// </code>
/// Large problems split C into a grid of row/column blocks, one per core, each running the loops above on its own
/// pooled buffers; there is no shared state, so concurrent calls and nested parallelism are safe.
/// </summary>
internal static unsafe class GemmDriver
{
    /// <summary>Below this many multiply-adds (m·n·k) the call stays on the calling thread: a Parallel.For fork/join
    /// costs a few microseconds, about what 100³ multiply-adds take on one core.</summary>
    internal const long ParallelThreshold = 96L * 96 * 96;

    private readonly record struct Blocking(int Mr, int Nr, int Kc, int Mc, int Nc);

    /// <summary>
    /// KC: a K×MR micro-panel of Ã must stay in L1 (32 KiB here) next to the B̃ stream — 256·8·4 = 8 KiB for AVX-512.
    /// NC: the KC×NC block B̃ must stay in L2 (1 MiB per core on Zen 4, 256 KiB–1 MiB elsewhere) — 512 KiB for AVX-512.
    /// MC: Ã is re-read from L2/L3 once per NC block, so it only bounds the buffer; large MC avoids re-packing B̃.
    /// </summary>
    private static Blocking BlockingFor(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => new(8, 32, 256, 1024, 512),
        GemmIsa.Avx2 => new(6, 16, 256, 1020, 256),
        _ => new(4, 4, 256, 256, 256),
    };

    public static void Run(GemmIsa isa, GemmOperands op)
    {
        var bl = BlockingFor(isa);
        int threads = Environment.ProcessorCount;
        if (threads == 1 || (long)op.M * op.N * op.K < ParallelThreshold)
        {
            RunBlock(isa, bl, op, 0, op.M, 0, op.N);
            return;
        }
        var (tm, tn) = Partition(op.M, op.N, op.K, bl.Mr, bl.Nr, threads);
        // Block sizes rounded to whole micro-tiles, so only the matrix edge has partial tiles.
        int rowsPer = CeilDiv(CeilDiv(op.M, bl.Mr), tm) * bl.Mr;
        int colsPer = CeilDiv(CeilDiv(op.N, bl.Nr), tn) * bl.Nr;
        Parallel.For(0, tm * tn, t =>
        {
            int i0 = t / tn * rowsPer, j0 = t % tn * colsPer;
            if (i0 < op.M && j0 < op.N)
                RunBlock(isa, bl, op, i0, Math.Min(rowsPer, op.M - i0), j0, Math.Min(colsPer, op.N - j0));
        });
    }

    /// <summary>
    /// Chooses a tm×tn grid of blocks (tm·tn = threads) minimising the largest block's cost: its multiply-adds plus
    /// packing, as each block packs its rows of op(A) and its columns of op(B) (a packed value costs about as much as
    /// a handful of vectorised multiply-adds).
    /// </summary>
    internal static (int Tm, int Tn) Partition(int m, int n, int k, int mr, int nr, int threads)
    {
        int mu = CeilDiv(m, mr), nu = CeilDiv(n, nr);
        (int, int) best = (1, 1);
        double bestCost = double.MaxValue;
        for (int tm = 1; tm <= threads; tm++)
        {
            if (threads % tm != 0) continue;
            int tn = threads / tm;
            double rows = CeilDiv(mu, tm) * mr, cols = CeilDiv(nu, tn) * nr;
            double cost = rows * cols * k + 8.0 * (rows + cols) * k;
            if (cost < bestCost) { bestCost = cost; best = (tm, tn); }
        }
        return best;
    }

    /// <summary>C[i0:+mt, j0:+nt] = alpha·op(A)[i0:+mt, :]·op(B)[:, j0:+nt] + beta·C[...] with this thread's buffers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlock(GemmIsa isa, Blocking bl, GemmOperands op, int i0, int mt, int j0, int nt)
    {
        int kcMax = Math.Min(bl.Kc, op.K);
        int mcMax = Math.Min(bl.Mc, CeilDiv(mt, bl.Mr) * bl.Mr);
        int ncMax = Math.Min(bl.Nc, CeilDiv(nt, bl.Nr) * bl.Nr);
        // +16 floats of slack to start both buffers on a 64-byte (cache-line, zmm) boundary.
        float[] aArr = ArrayPool<float>.Shared.Rent(mcMax * kcMax + 16);
        float[] bArr = ArrayPool<float>.Shared.Rent(kcMax * ncMax + 16);
        try
        {
            fixed (float* aRaw = aArr, bRaw = bArr)
            {
                float* ap = Align64(aRaw), bp = Align64(bRaw);
                for (int pc = 0; pc < op.K; pc += bl.Kc)
                {
                    int kcb = Math.Min(bl.Kc, op.K - pc);
                    // Later rank-KC updates accumulate onto the first one.
                    float beta = pc == 0 ? op.Beta : 1f;
                    for (int ic = 0; ic < mt; ic += bl.Mc)
                    {
                        int mcb = Math.Min(bl.Mc, mt - ic);
                        GemmPacking.Block(op.A + (i0 + ic) * op.Ars + pc * op.Acs, op.Ars, op.Acs, mcb, bl.Mr, kcb, ap);
                        for (int jc = 0; jc < nt; jc += bl.Nc)
                        {
                            int ncb = Math.Min(bl.Nc, nt - jc);
                            GemmPacking.Block(op.B + pc * op.Brs + (j0 + jc) * op.Bcs, op.Bcs, op.Brs, ncb, bl.Nr, kcb, bp);
                            MacroKernel(isa, bl, mcb, ncb, kcb, ap, bp, op.C + (i0 + ic) * op.Crs + (j0 + jc), op.Crs, op.Alpha, beta);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(aArr);
            ArrayPool<float>.Shared.Return(bArr);
        }
    }

    /// <summary>All MR×NR micro-tiles of one packed mc×kc Ã block times one packed kc×nc B̃ block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel(GemmIsa isa, Blocking bl, int mc, int nc, int kc, float* ap, float* bp, float* c, nint ldc, float alpha, float beta)
    {
        for (int ir = 0; ir < mc; ir += bl.Mr)
        {
            int rows = Math.Min(bl.Mr, mc - ir);
            float* a = ap + (nint)ir * kc, ci = c + ir * ldc;
            for (int jr = 0; jr < nc; jr += bl.Nr)
                GemmMicroKernel.Tile(isa, kc, a, bp + (nint)jr * kc, ci + jr, ldc, alpha, beta, rows, Math.Min(bl.Nr, nc - jr));
        }
    }

    private static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
