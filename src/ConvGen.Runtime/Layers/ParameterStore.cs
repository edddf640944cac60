using System;
using System.Collections.Generic;

namespace ConvGen;

/// <summary>Shared <see cref="IParameterized.SetParameter"/> logic: look the name up, check the length, copy.</summary>
internal static class ParameterStore
{
    /// <summary>Copies <paramref name="values"/> into <paramref name="target"/>, or throws a message naming the layer's parameters.</summary>
    public static void Set(IReadOnlyList<ParameterInfo> parameters, string name, ReadOnlySpan<float> values, float[]? target, string layer)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (target is null)
        {
            var names = new List<string>();
            foreach (ParameterInfo p in parameters)
            {
                names.Add(p.Name);
            }

            throw new ArgumentException($"{layer} has no parameter '{name}'; its parameters are {string.Join(", ", names)}.", nameof(name));
        }

        if (values.Length != target.Length)
        {
            string shape = "";
            foreach (ParameterInfo p in parameters)
            {
                if (p.Name == name)
                {
                    shape = " [" + string.Join(", ", p.Shape) + "]";
                }
            }

            throw new ArgumentException($"{layer} parameter '{name}'{shape} needs {target.Length} values, but got {values.Length}.", nameof(values));
        }

        values.CopyTo(target);
    }
}
