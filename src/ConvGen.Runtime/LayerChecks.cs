using System;
using System.Collections.Generic;

namespace ConvGen;

/// <summary>Argument checks shared by generated layers. Each failure names the expected and the actual value.</summary>
public static class LayerChecks
{
    /// <summary>Throws unless <paramref name="batch"/> is positive.</summary>
    public static void Batch(int batch)
    {
        if (batch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"batch must be positive, but is {batch}.");
        }
    }

    /// <summary>Throws unless <paramref name="size"/> is positive and at least <paramref name="minimum"/>.</summary>
    public static void InputSize(int size, int minimum, string name) =>
        InputSize(size, minimum, name, "the dilated kernel must fit inside the padded input");

    /// <summary>Checks an input size of a transposed convolution: positive and at least <paramref name="minimum"/>.</summary>
    public static void TransposedInputSize(int size, int minimum, string name) =>
        InputSize(size, minimum, name, "a smaller input's output is cropped away entirely by the padding");

    private static void InputSize(int size, int minimum, string name, string reason)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(name, size, $"{name} must be positive, but is {size}.");
        }

        if (size < minimum)
        {
            throw new ArgumentOutOfRangeException(name, size, $"{name} is {size}, but this layer needs at least {minimum}: {reason}.");
        }
    }

    /// <summary>Returns an output size computed in 64 bits, or throws when it does not fit an int.</summary>
    public static int OutputSize(long size, string inputName) => size <= int.MaxValue
        ? (int)size
        : throw new ArgumentOutOfRangeException(inputName, $"the output size along {inputName} would be {size}, larger than int.MaxValue.");

    /// <summary>Throws unless <paramref name="size"/> equals the layer's fixed input size.</summary>
    public static void FixedSize(int size, int expected, string name)
    {
        if (size != expected)
        {
            throw new ArgumentException($"this layer was generated for {name} {expected}, but got {name} {size}.", name);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="input"/> holds batch x inChannels x inputSize values,
    /// <paramref name="output"/> holds batch x outChannels x outputSize values, and the two do not overlap.
    /// </summary>
    public static void Spans(
        ReadOnlySpan<float> input, Span<float> output, int batch,
        int inChannels, ReadOnlySpan<int> inputSize, int outChannels, ReadOnlySpan<int> outputSize)
    {
        Length(input.Length, nameof(input), batch, inChannels, inputSize);
        Length(output.Length, nameof(output), batch, outChannels, outputSize);
        if (input.Overlaps(output))
        {
            throw new ArgumentException("input and output overlap; a convolution cannot run in place.", nameof(output));
        }
    }

    /// <summary>Throws unless the parameters have the layer's lengths.</summary>
    public static void Parameters(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int weightLength, int biasLength, string weightShape)
    {
        if (weight.Length != weightLength)
        {
            throw new ArgumentException($"weight has {weight.Length} values, but this layer needs {weightLength} ({weightShape}).", nameof(weight));
        }

        if (bias.Length != biasLength)
        {
            throw new ArgumentException(biasLength == 0
                ? $"bias has {bias.Length} values, but this layer has no bias (bias: false); pass none."
                : $"bias has {bias.Length} values, but this layer needs {biasLength} (one per output channel).", nameof(bias));
        }
    }

    /// <summary>
    /// Throws unless <paramref name="name"/> is one of <paramref name="parameters"/> and <paramref name="length"/> is its
    /// number of values (<see cref="IParameterized.SetParameter"/> of generated layers). The message lists every
    /// parameter with its shape and length.
    /// </summary>
    /// <param name="parameters">The layer's parameters.</param>
    /// <param name="name">The name asked for.</param>
    /// <param name="length">The number of values given.</param>
    /// <param name="layer">The layer's name, for the message.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">No parameter has that name (ParamName <c>name</c>), or the length differs (ParamName <c>values</c>).</exception>
    public static void Parameter(IReadOnlyList<ParameterInfo> parameters, string name, int length, string layer)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(name);
        foreach (ParameterInfo parameter in parameters)
        {
            if (parameter.Name == name)
            {
                if (length != parameter.Length)
                {
                    throw new ArgumentException(
                        $"{layer} parameter '{name}' [{string.Join(", ", parameter.Shape)}] needs {parameter.Length} values, but got {length}.", "values");
                }

                return;
            }
        }

        var expected = new List<string>();
        foreach (ParameterInfo parameter in parameters)
        {
            expected.Add($"'{parameter.Name}' [{string.Join(", ", parameter.Shape)}] ({parameter.Length} values)");
        }

        throw new ArgumentException($"{layer} has no parameter '{name}'; its parameters are {string.Join(", ", expected)}.", nameof(name));
    }

    /// <summary>The length of a layer's scratch buffer, computed in double by the caller (its factors can
    /// exceed even a long), checked to fit one array.</summary>
    /// <exception cref="ArgumentException">The scratch memory would be larger than one array can be.</exception>
    public static int ScratchLength(double length)
    {
        return length <= Array.MaxLength
            ? (int)length
            : throw new ArgumentException($"the layer's scratch memory for this input ({length:G17} values) is too large for one buffer.");
    }

    private static void Length(int actual, string name, int batch, int channels, ReadOnlySpan<int> size)
    {
        // In double: exact up to 2^53, and a product beyond that cannot equal an int anyway.
        double expected = (double)batch * channels;
        foreach (int extent in size)
        {
            expected *= extent;
        }

        if (actual != expected)
        {
            string shape = $"{batch} x {channels}";
            foreach (int extent in size)
            {
                shape += $" x {extent}";
            }

            throw new ArgumentException($"{name} has {actual} values, but shape [{shape}] needs {expected:F0}.", name);
        }
    }
}
