namespace Tessera;

public static partial class F
{
    /// <summary>
    /// Records one op that has several outputs (a recurrent layer's sequence and final states), without copying them out of
    /// a packed result: each output gets a node of its own, which parks its total gradient and sends a one-element 0 to a
    /// hidden node shared by all of them; the engine runs that node after every output that got a gradient (it depends on
    /// them all), and it calls <paramref name="rule"/> once with the parked gradients, null for an output that got none.
    /// </summary>
    internal static Tensor[] RecordMulti(string name, Tensor[] outputs, Func<Tensor?[], Tensor?[]> rule, params Tensor[] inputs)
    {
        if (!GradMode.IsEnabled || !inputs.Any(t => t.RequiresGrad)) return outputs;
        var parked = new Tensor?[outputs.Length];
        var hub = Record(name, Tensor.Zeros(1), _ =>
        {
            var grads = parked;
            parked = new Tensor?[outputs.Length];   // a retained graph starts its next pass empty
            return rule(grads);
        }, inputs);
        var result = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            int k = i;
            result[i] = Record(name + "_output", outputs[i], g => { parked[k] = g; return [Tensor.Zeros(1)]; }, hub);
            result[i].GradFn!.KeepsGrad = true;
        }
        return result;
    }
}
