using System;

namespace ConvGen.Tests.Infrastructure;

/// <summary>Test data: floats drawn uniformly in [-1, 1).</summary>
internal static class TestValues
{
    public static float[] Uniform(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
