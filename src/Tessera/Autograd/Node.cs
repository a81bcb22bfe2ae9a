namespace Tessera.Autograd;

/// <summary>
/// One recorded op on the tape: the tensors it read and the rule that maps the gradient of its output
/// to gradients of those inputs (null where an input needs none). The rule is dropped after backward
/// unless the graph is retained, so its saved tensors can be collected.
/// </summary>
internal sealed class Node
{
    public readonly string Name;
    public readonly Tensor[] Inputs;
    public Func<Tensor, Tensor?[]>? Rule;
    public readonly Tensor Output;

    /// <summary>The rule keeps its gradient beyond the call (a multi-output op parks it for a later node), so the engine must not recycle it.</summary>
    public bool KeepsGrad;

    // Engine scratch for one backward pass.
    internal Tensor? PendingGrad;
    internal int Dependencies;
    internal int Visit;

    public Node(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> rule, Tensor output)
    {
        Name = name; Inputs = inputs; Rule = rule; Output = output;
    }
}
