namespace Tessera;

/// <summary>Element type of a tensor: float32 values, int64 indices and labels, bool masks.</summary>
public enum DType
{
    Float32,
    Int64,
    Bool,
}

/// <summary>Names of element types as they appear in files (safetensors, conformance cases).</summary>
public static class DTypes
{
    public static string Name(DType t) => t switch
    {
        DType.Float32 => "float32",
        DType.Int64 => "int64",
        _ => "bool",
    };

    public static int ByteSize(DType t) => t switch
    {
        DType.Float32 => 4,
        DType.Int64 => 8,
        _ => 1,
    };
}
