namespace Tessera;

// Operators and method shorthands on Tensor. They live with the Functional layer because each one records
// an autograd node through F; Tensor itself knows nothing of ops.
public partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => F.Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => F.Sub(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => F.Mul(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => F.Div(a, b);
    public static Tensor operator -(Tensor a) => F.Neg(a);

    /// <summary>Matrix product (torch.matmul semantics).</summary>
    public Tensor Matmul(Tensor other) => F.Matmul(this, other);
    public Tensor Reshape(params int[] shape) => F.Reshape(this, shape);
    public Tensor View(params int[] shape) => F.Reshape(this, shape);
    public Tensor Permute(params int[] dims) => F.Permute(this, dims);
    public Tensor Transpose(int dim0, int dim1) => F.Transpose(this, dim0, dim1);
    /// <summary>Transpose of a 2-d tensor.</summary>
    public Tensor T() => Rank == 2 ? F.Transpose(this, 0, 1) : throw new InvalidOperationException($"T() needs a 2-d tensor, got shape {ShapeUtil.Format(Dims)}");
    public Tensor Sum() => F.Sum(this);
    public Tensor Sum(int dim, bool keepdim = false) => F.Sum(this, [dim], keepdim);
    public Tensor Mean() => F.Mean(this);
    public Tensor Mean(int dim, bool keepdim = false) => F.Mean(this, [dim], keepdim);
    public Tensor ArgMax(int dim, bool keepdim = false) => F.ArgMax(this, dim, keepdim);
    public Tensor Exp() => F.Exp(this);
    public Tensor Log() => F.Log(this);
    public Tensor Sqrt() => F.Sqrt(this);
    public Tensor Abs() => F.Abs(this);
    public Tensor Pow(float p) => F.Pow(this, p);
    public Tensor Square() => F.Square(this);
    public Tensor Relu() => F.Relu(this);
    public Tensor Sigmoid() => F.Sigmoid(this);
    public Tensor Tanh() => F.Tanh(this);
    public Tensor Softmax(int dim) => F.Softmax(this, dim);
    public Tensor LogSoftmax(int dim) => F.LogSoftmax(this, dim);
    public Tensor Flatten(int startDim = 0, int endDim = -1) => F.Flatten(this, startDim, endDim);
    public Tensor Unsqueeze(int dim) => F.Unsqueeze(this, dim);
    public Tensor Squeeze(int dim) => F.Squeeze(this, dim);
    public Tensor Narrow(int dim, int start, int length) => F.Narrow(this, dim, start, length);
}
