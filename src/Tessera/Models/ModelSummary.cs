using Tessera.NN;

namespace Tessera.Models;

/// <summary>A layer's operation count for one forward pass of the given input and output shapes (multiply-adds counted as 2).</summary>
public interface IFlopCounter
{
    long Flops(int[] inputShape, int[] outputShape);
}

/// <summary>One row of a model summary.</summary>
public sealed record LayerSummary(string Name, string Type, int[] OutputShape, long Parameters, long Flops);

/// <summary>Runs one example through a model layer by layer (children of a Sequential) and reports output shapes, parameters and FLOPs.</summary>
public static class ModelSummary
{
    public static List<LayerSummary> Summarize(Module model, int[] inputShape)
    {
        var rows = new List<LayerSummary>();
        using var _ = GradMode.NoGrad();
        bool was = model.Training;
        model.Eval();
        var x = Tensor.Zeros([1, .. inputShape]);
        var layers = model is Sequential s ? s.Select((m, i) => (i.ToString(), m)).ToList() : [("", model)];
        foreach (var (name, layer) in layers)
        {
            var y = layer.Forward(x);
            long flops = layer is IFlopCounter fc ? fc.Flops(x.Shape, y.Shape) : 0;
            rows.Add(new LayerSummary(name, layer.Name + (layer.ExtraRepr().Length > 0 ? $"({layer.ExtraRepr()})" : ""), y.Shape, layer.ParameterCount(), flops));
            x = y;
        }
        model.Train(was);
        return rows;
    }
}
