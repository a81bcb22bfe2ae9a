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
/// Medium problems split C into a grid of row/column blocks, one per core, each running the loops above on its own
/// pooled buffers; large ones share one packed op(B) between the cores (<see cref="ParallelGemm"/>). All state lives
/// in the call, so concurrent calls and nested parallelism are safe.
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

    /// <summary>From this many multiply-adds (256³·2, ~0.3 ms on one core) on, op(B) is packed once and shared and C
    /// is handed out in small blocks (<see cref="ParallelGemm"/>); below, each thread takes one fixed block.</summary>
    internal const long DynamicThreshold = 2L * 256 * 256 * 256;

    /// <summary>Most floats of op(B) packed at once for sharing between threads (16 MiB); larger k is done in slices.</summary>
    private const long SharedPackBudget = 4L << 20;

    public static void Run(GemmIsa isa, GemmOperands op)
    {
        var bl = BlockingFor(isa);
        int threads = Work.InSplit ? 1 : Environment.ProcessorCount;
        if (threads == 1 || (long)op.M * op.N * op.K < ParallelThreshold)
        {
            RunSerial(isa, bl, op, 0, op.M, 0, op.N);
            return;
        }
        // (The shared buffer holds at least KC full rows of op(B), which must fit the budget.)
        if ((long)op.M * op.N * op.K >= DynamicThreshold && (long)bl.Kc * CeilDiv(op.N, bl.Nr) * bl.Nr <= SharedPackBudget)
        {
            new ParallelGemm(isa, bl, op, threads).Run();
            return;
        }
        // Medium products: one block per thread, each packing its own operands. The blocks never wait on each other,
        // which costs a little redundant packing but beats the shared scheme's hand-off latency at this size.
        var (tm, tn) = Partition(op.M, op.N, op.K, bl.Mr, bl.Nr, threads);
        // Block sizes rounded to whole micro-tiles, so only the matrix edge has partial tiles.
        int rowsPer = CeilDiv(CeilDiv(op.M, bl.Mr), tm) * bl.Mr;
        int colsPer = CeilDiv(CeilDiv(op.N, bl.Nr), tn) * bl.Nr;
        Parallel.For(0, tm * tn, t =>
        {
            int i0 = t / tn * rowsPer, j0 = t % tn * colsPer;
            if (i0 < op.M && j0 < op.N)
                RunSerial(isa, bl, op, i0, Math.Min(rowsPer, op.M - i0), j0, Math.Min(colsPer, op.N - j0));
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

    /// <summary>C[i0:+mt, j0:+nt] on the calling thread, with its own pooled buffers.</summary>
    private static void RunSerial(GemmIsa isa, Blocking bl, GemmOperands op, int i0, int mt, int j0, int nt)
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
                Block(isa, bl, op, i0, mt, j0, nt, 0, op.K, null, 0, Align64(aRaw), Align64(bRaw));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(aArr);
            ArrayPool<float>.Shared.Return(bArr);
        }
    }

    /// <summary>
    /// C[i0:+mt, j0:+nt] = alpha·op(A)[i0:+mt, k0:+kb]·op(B)[k0:+kb, j0:+nt] + beta'·C, beta' = beta for k0 = 0 and
    /// 1 afterwards. op(B) comes pre-packed in <paramref name="sharedB"/> (rows k0.., row stride nPad, see
    /// <see cref="ParallelGemm"/>) or is packed here into <paramref name="bp"/> (KC×NC); op(A) is packed into
    /// <paramref name="ap"/> (MC×KC). Buffers are 64-byte aligned.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(GemmIsa isa, Blocking bl, GemmOperands op, int i0, int mt, int j0, int nt, int k0, int kb,
        float* sharedB, int nPad, float* ap, float* bp)
    {
        for (int pc = k0; pc < k0 + kb; pc += bl.Kc)
        {
            int kcb = Math.Min(bl.Kc, k0 + kb - pc);
            // Later rank-KC updates accumulate onto the first one.
            float beta = pc == 0 ? op.Beta : 1f;
            for (int ic = 0; ic < mt; ic += bl.Mc)
            {
                int mcb = Math.Min(bl.Mc, mt - ic);
                GemmPacking.Block(op.A + (i0 + ic) * op.Ars + pc * op.Acs, op.Ars, op.Acs, mcb, bl.Mr, kcb, ap);
                for (int jc = 0; jc < nt; jc += bl.Nc)
                {
                    int ncb = Math.Min(bl.Nc, nt - jc);
                    float* bBlock;
                    if (sharedB != null) bBlock = sharedB + (nint)(pc - k0) * nPad + (nint)(j0 + jc) * kcb;
                    else
                    {
                        GemmPacking.Block(op.B + pc * op.Brs + (j0 + jc) * op.Bcs, op.Bcs, op.Brs, ncb, bl.Nr, kcb, bp);
                        bBlock = bp;
                    }
                    MacroKernel(isa, bl, mcb, ncb, kcb, ap, bBlock, op.C + (i0 + ic) * op.Crs + (j0 + jc), op.Crs, op.Alpha, beta);
                }
            }
        }
    }

    /// <summary>
    /// A large multithreaded product, in one Parallel.For per slice of k (<see cref="SharedPackBudget"/>): the threads
    /// first pack op(B) together, in column chunks claimed from a shared counter, into a buffer they all read (so no
    /// thread re-packs what another packed); then they claim blocks of C, about four per thread, from a second
    /// counter, each packing only its own rows of op(A). Claiming rather than assigning blocks keeps the work balanced
    /// when a core is also serving another process (measured ~8% faster than a fixed split on this shared machine).
    /// The only wait — for packing to finish — is on chunks already claimed by running threads, so it always ends even
    /// if the thread pool never starts a second worker (the caller then does everything itself): no deadlock.
    /// </summary>
    private sealed class ParallelGemm
    {
        private readonly GemmIsa _isa;
        private readonly Blocking _bl;
        private readonly GemmOperands _op;
        private readonly int _threads, _nPad, _tm, _tn, _rowsPer, _colsPer, _packCols;
        private float* _shared;
        private int _k0, _kb, _next, _nextPack, _packed, _packItems;

        public ParallelGemm(GemmIsa isa, Blocking bl, GemmOperands op, int threads)
        {
            _isa = isa; _bl = bl; _op = op; _threads = threads;
            _nPad = CeilDiv(op.N, bl.Nr) * bl.Nr;
            // About four blocks per thread for balance, rows first (op(A) packing is then never repeated), at most MC
            // rows each; split columns only when there are too few rows.
            int mu = CeilDiv(op.M, bl.Mr), nu = CeilDiv(op.N, bl.Nr), want = 4 * threads;
            int tm = Math.Min(mu, Math.Max(want, CeilDiv(op.M, bl.Mc)));
            int tn = Math.Min(nu, CeilDiv(want, tm));
            _rowsPer = CeilDiv(mu, tm) * bl.Mr;
            _colsPer = CeilDiv(nu, tn) * bl.Nr;
            _tm = CeilDiv(op.M, _rowsPer);
            _tn = CeilDiv(op.N, _colsPer);
            _packCols = CeilDiv(nu, want) * bl.Nr;
        }

        public void Run()
        {
            int kb = _op.K;
            if ((long)kb * _nPad > SharedPackBudget) kb = Math.Max(_bl.Kc, (int)(SharedPackBudget / _nPad) / _bl.Kc * _bl.Kc);
            float[] arr = ArrayPool<float>.Shared.Rent(Math.Min(kb, _op.K) * _nPad + 16);
            try
            {
                fixed (float* raw = arr)
                {
                    _shared = Align64(raw);
                    for (_k0 = 0; _k0 < _op.K; _k0 += kb)
                    {
                        _kb = Math.Min(kb, _op.K - _k0);
                        _nextPack = _packed = _next = 0;
                        _packItems = CeilDiv(_kb, _bl.Kc) * CeilDiv(_op.N, _packCols);
                        Parallel.For(0, _threads, _ =>
                        {
                            PackWorker();
                            ComputeWorker();
                        });
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(arr);
            }
        }

        private void PackWorker()
        {
            int chunks = CeilDiv(_op.N, _packCols);
            for (int item; (item = Interlocked.Increment(ref _nextPack) - 1) < _packItems;)
            {
                int pc = _k0 + item / chunks * _bl.Kc, kcb = Math.Min(_bl.Kc, _k0 + _kb - pc);
                int j0 = item % chunks * _packCols, nc = Math.Min(_packCols, _op.N - j0);
                GemmPacking.Block(_op.B + pc * _op.Brs + j0 * _op.Bcs, _op.Bcs, _op.Brs, nc, _bl.Nr, kcb,
                    _shared + (nint)(pc - _k0) * _nPad + (nint)j0 * kcb);
                Interlocked.Increment(ref _packed);
            }
            // Every packing item is claimed by now, each by a thread that is running it, so this wait always ends
            // (it is not a barrier on threads that may never be scheduled).
            var spin = new SpinWait();
            while (Volatile.Read(ref _packed) < _packItems) spin.SpinOnce(sleep1Threshold: -1);
        }

        private void ComputeWorker()
        {
            int kcMax = Math.Min(_bl.Kc, _kb);
            float[] aArr = ArrayPool<float>.Shared.Rent(Math.Min(_bl.Mc, _rowsPer) * kcMax + 16);
            try
            {
                fixed (float* aRaw = aArr)
                {
                    float* ap = Align64(aRaw);
                    for (int item; (item = Interlocked.Increment(ref _next) - 1) < _tm * _tn;)
                    {
                        int i0 = item / _tn * _rowsPer, j0 = item % _tn * _colsPer;
                        Block(_isa, _bl, _op, i0, Math.Min(_rowsPer, _op.M - i0), j0, Math.Min(_colsPer, _op.N - j0),
                            _k0, _kb, _shared, _nPad, ap, null);
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(aArr);
            }
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
