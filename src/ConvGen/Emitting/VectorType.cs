using System.Collections.Generic;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// A SIMD vector type a kernel is written for, as the emitted code names it: <see cref="Api"/> holds the static
/// operations, <see cref="Type"/> is the vector of floats. Every kernel is emitted for Vector512 and for the narrow
/// types, widest first, and dispatched on <c>IsHardwareAccelerated</c>, which the JIT folds to a constant; where
/// nothing is accelerated the Vector128 kernel runs in the runtime's software fallback. Direct kernels have one
/// generic body for Vector256 and Vector128 (<see cref="Narrow"/>, over <c>ConvGen.Kernels.IVectorOps</c>).
/// </summary>
/// <param name="Suffix">The kernel method's suffix.</param>
/// <param name="Api">Where the operations are: the static class of the vector, or the generic operations parameter.</param>
/// <param name="Type">The vector of floats.</param>
/// <param name="Lanes">Floats per vector: one count, or each count a generic body runs with.</param>
/// <param name="Ops">The runtime's <c>IVectorOps</c> of the type (<c>TOps</c> in a generic body).</param>
internal sealed record VectorType(string Suffix, string Api, string Type, IReadOnlyList<int> Lanes, string Ops)
{
    private const string Intrinsics = "global::System.Runtime.Intrinsics.";

    public static readonly VectorType Vector512 = Concrete("v512", "Vector512", 16);
    public static readonly VectorType Vector256 = Concrete("v256", "Vector256", 8);
    public static readonly VectorType Vector128 = Concrete("v128", "Vector128", 4);

    /// <summary>A direct kernel's body for Vector256 and Vector128 at once, generic over <c>TVector</c> and <c>TOps</c>.</summary>
    public static readonly VectorType Narrow = new("narrow", "TOps", "TVector", [8, 4], "TOps");

    /// <summary>Widest first: the order of the dispatch.</summary>
    public static readonly VectorType[] All = [Vector512, Vector256, Vector128];

    /// <summary>Floats in the widest vector: every scratch row holds at least this many.</summary>
    public const int WidestLanes = 16;

    /// <summary>Whether the kernel is a generic body (<see cref="Narrow"/>).</summary>
    public bool IsGeneric => this == Narrow;

    /// <summary>Floats per vector, as an expression.</summary>
    public string Count => IsGeneric ? "TOps.Count" : $"{Type}.Count";

    /// <summary>The zero vector, as an expression.</summary>
    public string Zero => IsGeneric ? "TOps.Zero" : $"{Type}.Zero";

    public string Broadcast(string value) => $"{Api}.Create({value})";

    private static VectorType Concrete(string suffix, string name, int lanes) =>
        new(suffix, Intrinsics + name, Intrinsics + name + "<float>", [lanes], "global::ConvGen.Kernels." + name + "Ops");
}
