using System.Globalization;
using System.Text;

namespace Tessera;

public partial class Tensor
{
    /// <summary>Shape, dtype and a preview of the values (first and last items of each dim beyond 6).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Tensor(shape=").Append(ShapeUtil.Format(Dims)).Append(", dtype=").Append(DTypes.Name(DType));
        if (RequiresGrad) sb.Append(", requires_grad");
        sb.Append(")\n");
        if (Dims.Length == 0) { sb.Append(FormatAt(0)); return sb.ToString(); }
        var strides = ShapeUtil.Strides(Dims);
        Append(sb, 0, 0, strides, 0);
        return sb.ToString();
    }

    private void Append(StringBuilder sb, int dim, int offset, int[] strides, int indent)
    {
        int n = Dims[dim];
        sb.Append('[');
        bool cut = n > 6;
        for (int i = 0; i < n; i++)
        {
            if (cut && i == 3) { sb.Append(dim == Dims.Length - 1 ? "..., " : "...,\n" + new string(' ', indent + 1)); i = n - 3; }
            if (dim == Dims.Length - 1) sb.Append(FormatAt(offset + i));
            else Append(sb, dim + 1, offset + i * strides[dim], strides, indent + 1);
            if (i < n - 1) sb.Append(dim == Dims.Length - 1 ? ", " : ",\n" + new string(' ', indent + 1));
        }
        sb.Append(']');
    }

    private string FormatAt(int i) => DType switch
    {
        DType.Float32 => F32![i].ToString("0.####", CultureInfo.InvariantCulture),
        DType.Int64 => I64![i].ToString(CultureInfo.InvariantCulture),
        _ => B8![i] ? "True" : "False",
    };
}
