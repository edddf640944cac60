using System;
using System.ComponentModel;

namespace ConvGen.Kernels;

/// <summary>
/// The vector operations of a generated kernel body written once for two vector types (Vector256 and Vector128, which
/// have the same register tiles): the body is generic over the vector and these operations, and the JIT compiles it
/// once per vector type with every call inlined, as if it had been written out for each. The operator cores
/// (<c>ConvGen.Operators</c>) use it the same way for Vector512 too. Not meant for direct use.
/// </summary>
/// <typeparam name="TVector">The vector of floats.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IVectorOps<TVector>
    where TVector : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TVector Zero { get; }

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TVector Create(float value);

    /// <summary>The vector at <paramref name="offset"/> floats past <paramref name="source"/>.</summary>
    static abstract TVector LoadUnsafe(ref float source, nuint offset);

    /// <summary>Stores <paramref name="value"/> at <paramref name="offset"/> floats past <paramref name="destination"/>.</summary>
    static abstract void StoreUnsafe(TVector value, ref float destination, nuint offset);

    /// <summary>a * b + c, fused where the hardware has it.</summary>
    static abstract TVector MultiplyAddEstimate(TVector a, TVector b, TVector c);

    /// <summary>a + b, lane-wise.</summary>
    static abstract TVector Add(TVector a, TVector b);

    /// <summary>a - b, lane-wise.</summary>
    static abstract TVector Subtract(TVector a, TVector b);

    /// <summary>a * b, lane-wise.</summary>
    static abstract TVector Multiply(TVector a, TVector b);

    /// <summary>a / b, lane-wise.</summary>
    static abstract TVector Divide(TVector a, TVector b);

    /// <summary>The sum of the lanes.</summary>
    static abstract float Sum(TVector value);

    /// <summary>Lane-wise maximum, NaN propagating.</summary>
    static abstract TVector Max(TVector a, TVector b);

    /// <summary>Lane-wise minimum, NaN propagating.</summary>
    static abstract TVector Min(TVector a, TVector b);

    /// <summary>Each lane clamped to [<paramref name="min"/>, <paramref name="max"/>] by the hardware's own min and max
    /// (one instruction each): a NaN lane gives a bound or NaN, so callers that can meet NaN handle it themselves.</summary>
    static abstract TVector ClampNative(TVector value, TVector min, TVector max);

    /// <summary>Each lane rounded to the nearest integer (ties to even).</summary>
    static abstract TVector Round(TVector value);

    /// <summary>value * 2^n lane-wise, for integral n in [-126, 127] (n goes into the exponent bits).</summary>
    static abstract TVector TimesPowerOfTwo(TVector value, TVector n);

    /// <summary>All bits set in the lanes where a &lt; b, none elsewhere (false where either is NaN).</summary>
    static abstract TVector LessThan(TVector a, TVector b);

    /// <summary>All bits set in the lanes where a == b, none elsewhere (false where either is NaN).</summary>
    static abstract TVector EqualTo(TVector a, TVector b);

    /// <summary>The lanes of <paramref name="whenTrue"/> where <paramref name="mask"/> is set, of <paramref name="whenFalse"/> elsewhere.</summary>
    static abstract TVector ConditionalSelect(TVector mask, TVector whenTrue, TVector whenFalse);

    /// <summary>Stores the first destination.Length lanes of <paramref name="values"/> (a line narrower than a vector),
    /// through <paramref name="buffer"/> (at least one vector long).</summary>
    static abstract void StoreNarrow(TVector values, Span<float> buffer, Span<float> destination);
}
