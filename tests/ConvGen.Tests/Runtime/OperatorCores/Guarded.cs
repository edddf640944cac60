using System.Linq;
using Xunit;

namespace ConvGen.Tests.Runtime.OperatorCores;

/// <summary>Output arrays with a guard region after the values a core should write, which must stay untouched.</summary>
internal static class Guarded
{
    private const float Guard = -12345f;

    /// <summary><paramref name="length"/> values to write, then the guard.</summary>
    public static float[] Output(int length) => Enumerable.Repeat(Guard, length + 8).ToArray();

    /// <summary>Fails when anything after the first <paramref name="length"/> values was written.</summary>
    public static void Untouched(float[] output, int length, string context) =>
        Assert.True(output.Skip(length).All(v => v == Guard), $"{context}: wrote past its {length} values");
}
