namespace ConvGen.Generator.Emitting;

/// <summary>
/// A SIMD vector type a kernel is written for. Every kernel is emitted once per type, widest first,
/// and dispatched on <c>IsHardwareAccelerated</c>, which the JIT folds to a constant; where nothing
/// is accelerated the Vector128 kernel runs in the runtime's software fallback.
/// </summary>
internal sealed record VectorType(string Suffix, string Api, int Lanes)
{
    public static readonly VectorType Vector512 = new("v512", "global::System.Runtime.Intrinsics.Vector512", 16);
    public static readonly VectorType Vector256 = new("v256", "global::System.Runtime.Intrinsics.Vector256", 8);
    public static readonly VectorType Vector128 = new("v128", "global::System.Runtime.Intrinsics.Vector128", 4);

    /// <summary>Widest first: the order of the dispatch.</summary>
    public static readonly VectorType[] All = [Vector512, Vector256, Vector128];

    /// <summary>Floats in the widest vector: every scratch row holds at least this many.</summary>
    public const int WidestLanes = 16;

    public string Type => Api + "<float>";

    public string Broadcast(string value) => $"{Api}.Create({value})";
}
