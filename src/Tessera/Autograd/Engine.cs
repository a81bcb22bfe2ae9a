namespace Tessera.Autograd;

/// <summary>
/// Reverse-mode differentiation over the recorded nodes. The graph is walked iteratively (an explicit stack,
/// never recursion) so a 10,000-step unrolled recurrence does not overflow the stack. Gradients of broadcast
/// inputs are summed back to each input's shape here, once, rather than in every op's rule.
/// </summary>
internal static class Engine
{
    private static int _pass;

    /// <summary>Turns gradient recycling off for backward passes on this thread (tests compare against it).</summary>
    [ThreadStatic] internal static bool KeepAllGradients;

    /// <summary>
    /// Records an op: when gradients are on and an input needs one, <paramref name="output"/> gets a node with <paramref name="rule"/>.
    /// The rule may return its gradient argument (or a view of it) as an input's gradient, but must not keep it, or the
    /// tensors it returns, past the call: the engine recycles gradient arrays nobody holds (set <see cref="Node.KeepsGrad"/> otherwise).
    /// </summary>
    public static Tensor Record(string name, Tensor output, Func<Tensor, Tensor?[]> rule, params Tensor[] inputs)
    {
        if (!GradMode.IsEnabled) return output;
        bool any = false;
        foreach (var t in inputs) if (t.RequiresGrad) { any = true; break; }
        if (!any) return output;
        output.RequiresGrad = true;
        output.GradFn = new Node(name, inputs, rule, output);
        return output;
    }

    public static void Backward(Tensor root, Tensor? grad, bool retainGraph)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException($"Backward: the tensor of shape {ShapeUtil.Format(root.Dims)} does not require grad (no input of the computation had RequiresGrad set)");
        if (grad == null)
        {
            if (root.Numel != 1) throw new ArgumentException($"Backward: a gradient is needed for a non-scalar output of shape {ShapeUtil.Format(root.Dims)}");
            grad = Tensor.Full(root.Dims, 1f);
        }
        else if (!ShapeUtil.SameShape(grad.Dims, root.Dims))
            throw new ArgumentException($"Backward: gradient shape {ShapeUtil.Format(grad.Dims)} does not match output shape {ShapeUtil.Format(root.Dims)}");

        if (root.GradFn == null) { Accumulate(root, grad, null); return; }

        // Gradient arrays adopted as a leaf's .Grad without a copy during this pass. Another tensor of the pass may
        // still hold such an array (Add hands one gradient to both inputs), so a second adoption copies it and an
        // accumulation into it goes out of place; when the pass ends every .Grad owns its storage. The caller's own
        // gradient is never adopted.
        var lent = new HashSet<float[]>(ReferenceEqualityComparer.Instance) { grad.FloatArray };
        var buffers = new PassBuffers();
        int pass = Interlocked.Increment(ref _pass);
        var order = TopologicalOrder(root.GradFn, pass);
        root.GradFn.PendingGrad = grad;
        using var _ = GradMode.NoGrad();
        var previousTracker = BufferPool.Tracker;
        BufferPool.Tracker = KeepAllGradients ? null : buffers.Refs;
        try
        {
            foreach (var node in order)
            {
                var g = node.PendingGrad;
                node.PendingGrad = null;
                if (g == null) continue;
                if (node.Output.RetainsGrad) Accumulate(node.Output, g, lent, buffers);
                var rule = node.Rule ?? throw new InvalidOperationException(
                    $"Backward: trying to backward through the graph a second time at '{node.Name}': its saved values were freed. Pass retainGraph: true to the first Backward call.");
                var grads = rule(g);
                if (!retainGraph) node.Rule = null;
                if (node.KeepsGrad) buffers.Escape(g.FloatArray);
                for (int i = 0; i < node.Inputs.Length; i++)
                {
                    var input = node.Inputs[i];
                    var gi = i < grads.Length ? grads[i] : null;
                    if (gi == null) continue;
                    buffers.Candidate(gi);
                    if (!input.RequiresGrad) continue;
                    if (!ShapeUtil.SameShape(gi.Dims, input.Dims)) { gi = SumToShape(gi, input.Dims, node.Name); buffers.Candidate(gi); }
                    if (input.GradFn is { } producer)
                    {
                        var pending = producer.PendingGrad;
                        if (pending == null) { producer.PendingGrad = gi; buffers.AddRef(gi); }
                        else if (buffers.IsExclusive(pending) && !ReferenceEquals(pending.F32, gi.F32))
                            System.Numerics.Tensors.TensorPrimitives.Add(pending.Data, gi.Data, pending.Data);
                        else
                        {
                            producer.PendingGrad = Add(pending, gi);
                            buffers.AddRef(producer.PendingGrad);
                            buffers.Release(pending);
                        }
                    }
                    else Accumulate(input, gi, lent, buffers);
                }
                if (!node.KeepsGrad) buffers.Release(g);
                buffers.RecycleCandidates();
            }
        }
        finally { BufferPool.Tracker = previousTracker; }
    }

    /// <summary>
    /// The gradient arrays a backward pass may recycle: those rented from <see cref="BufferPool"/> on this thread during the
    /// pass, counted by the number of pending-gradient slots that hold them. When a node has run and no slot holds an array
    /// any more, nothing does: a rule reads its gradient and returns new or aliased tensors, which the count sees (rules that
    /// keep their gradient, such as the outputs of <see cref="F.RecordMulti"/>, are marked <see cref="Node.KeepsGrad"/>), and an
    /// array that becomes a .Grad escapes the pass for good.
    /// </summary>
    private sealed class PassBuffers
    {
        public readonly Dictionary<float[], int> Refs = new(ReferenceEqualityComparer.Instance);
        private readonly List<float[]> _candidates = [];

        public void AddRef(Tensor t) { if (t.F32 is { } a && Refs.TryGetValue(a, out int n)) Refs[a] = n + 1; }
        public void Release(Tensor t) { if (t.F32 is { } a && Refs.TryGetValue(a, out int n)) { Refs[a] = Math.Max(0, n - 1); _candidates.Add(a); } }
        public void Candidate(Tensor t) { if (t.F32 is { } a && Refs.ContainsKey(a)) _candidates.Add(a); }
        public bool IsExclusive(Tensor t) => t.F32 is { } a && Refs.TryGetValue(a, out int n) && n == 1;
        public void Escape(float[]? a) { if (a != null) Refs.Remove(a); }

        public void RecycleCandidates()
        {
            foreach (var a in _candidates)
                if (Refs.TryGetValue(a, out int n) && n == 0) { Refs.Remove(a); BufferPool.Return(a); }
            _candidates.Clear();
        }
    }

    private static void Accumulate(Tensor t, Tensor g, HashSet<float[]>? lent, PassBuffers? buffers = null)
    {
        if (t.Grad == null)
        {
            if (lent != null && lent.Add(g.FloatArray)) t.Grad = g.WithShape(t.Shape, false);
            else t.Grad = g.Clone();
        }
        else
        {
            if (!ShapeUtil.SameShape(t.Grad.Dims, t.Dims))
                throw new InvalidOperationException($"Backward: existing .Grad has shape {ShapeUtil.Format(t.Grad.Dims)} but the tensor has shape {ShapeUtil.Format(t.Dims)}");
            if (lent != null && lent.Contains(t.Grad.FloatArray)) t.Grad = Add(t.Grad, g);
            else System.Numerics.Tensors.TensorPrimitives.Add(t.Grad.Data, g.Data, t.Grad.Data);
        }
        buffers?.Escape(t.Grad.F32);
    }

    private static Tensor Add(Tensor a, Tensor b)
    {
        var o = BufferPool.Rent(a.Numel);
        System.Numerics.Tensors.TensorPrimitives.Add(a.Data, b.Data, o);
        return new Tensor(a.Shape, o);
    }

    /// <summary>Sums a gradient over the dims it was broadcast along, back to <paramref name="shape"/>.</summary>
    internal static Tensor SumToShape(Tensor g, int[] shape, string op)
    {
        int lead = g.Rank - shape.Length;
        if (lead < 0) throw new InvalidOperationException($"{op}: gradient of shape {ShapeUtil.Format(g.Dims)} cannot be reduced to {ShapeUtil.Format(shape)}");
        var dims = new List<int>();
        for (int i = 0; i < g.Rank; i++)
        {
            if (i < lead) { dims.Add(i); continue; }
            int s = shape[i - lead];
            if (s == 1 && g.Dims[i] != 1) dims.Add(i);
            else if (s != g.Dims[i]) throw new InvalidOperationException($"{op}: gradient of shape {ShapeUtil.Format(g.Dims)} does not broadcast from {ShapeUtil.Format(shape)}");
        }
        var r = dims.Count == 0 ? g : F.Sum(g, dims.ToArray(), keepdim: true);
        return r.WithShape((int[])shape.Clone(), false);
    }

    /// <summary>Nodes reachable from <paramref name="root"/>, each after every node that feeds it a gradient (Kahn's algorithm, iterative).</summary>
    private static List<Node> TopologicalOrder(Node root, int pass)
    {
        // Count, for each node, how many consumers inside this graph will send it a gradient.
        var stack = new Stack<Node>();
        root.Visit = pass; root.Dependencies = 0;
        stack.Push(root);
        var all = new List<Node>();
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            all.Add(n);
            foreach (var t in n.Inputs)
            {
                var p = t.GradFn;
                if (p == null || !t.RequiresGrad) continue;
                if (p.Visit != pass) { p.Visit = pass; p.Dependencies = 0; stack.Push(p); }
                p.Dependencies++;
            }
        }
        var order = new List<Node>(all.Count);
        var ready = new Stack<Node>();
        ready.Push(root);
        while (ready.Count > 0)
        {
            var n = ready.Pop();
            order.Add(n);
            foreach (var t in n.Inputs)
            {
                var p = t.GradFn;
                if (p == null || !t.RequiresGrad) continue;
                if (--p.Dependencies == 0) ready.Push(p);
            }
        }
        return order;
    }
}
