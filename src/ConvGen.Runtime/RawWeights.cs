using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace ConvGen;

/// <summary>
/// Loads parameters from a raw little-endian float32 file: every parameter of the target in the order of its
/// <see cref="IParameterized.Parameters"/> (PyTorch's state-dict order, e.g. written by
/// <c>torch.cat([t.flatten() for t in tensors]).numpy().astype('&lt;f4').tofile(path)</c>), nothing else.
/// </summary>
public static class RawWeights
{
    /// <summary>Reads <paramref name="path"/> and loads every parameter of <paramref name="target"/> from it.</summary>
    /// <inheritdoc cref="Load(ReadOnlySpan{byte}, IParameterized)"/>
    public static void Load(string path, IParameterized target) => Load(File.ReadAllBytes(path), target);

    /// <summary>Loads every parameter of <paramref name="target"/>, in order, from <paramref name="bytes"/>.</summary>
    /// <param name="bytes">Little-endian float32 values: exactly the parameters' total length.</param>
    /// <param name="target">A layer or a <see cref="Sequential"/>.</param>
    /// <exception cref="ArgumentException">The byte count is not 4 x the parameters' total length; nothing is set then.</exception>
    public static void Load(ReadOnlySpan<byte> bytes, IParameterized target)
    {
        ArgumentNullException.ThrowIfNull(target);
        IReadOnlyList<ParameterInfo> parameters = target.Parameters;
        long total = 0;
        foreach (ParameterInfo parameter in parameters)
        {
            total += parameter.Length;
        }

        if (bytes.Length != total * sizeof(float))
        {
            throw new ArgumentException(
                $"the data has {bytes.Length} bytes, but the {parameters.Count} parameters need {total} float32 values ({total * sizeof(float)} bytes).",
                nameof(bytes));
        }

        int offset = 0;
        foreach (ParameterInfo parameter in parameters)
        {
            var values = new float[parameter.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(offset + (i * sizeof(float)), sizeof(float)));
            }

            target.SetParameter(parameter.Name, values);
            offset += values.Length * sizeof(float);
        }
    }
}
