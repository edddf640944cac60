using System;
using System.Collections.Generic;

namespace ConvGen;

/// <summary>The name and PyTorch shape of one learnable parameter or buffer of a layer.</summary>
/// <param name="Name">PyTorch's name inside the module: <c>weight</c>, <c>bias</c>, <c>running_mean</c>, ...</param>
/// <param name="Shape">PyTorch's shape, e.g. <c>[out, in/groups, kh, kw]</c> for a convolution's weight.</param>
public sealed record ParameterInfo(string Name, IReadOnlyList<int> Shape)
{
    /// <summary>Number of values: the product of <see cref="Shape"/>.</summary>
    public int Length
    {
        get
        {
            int length = 1;
            foreach (int size in Shape)
            {
                length = checked(length * size);
            }

            return length;
        }
    }
}

/// <summary>
/// A layer whose parameters can be read out by name and replaced after construction, in PyTorch's
/// layout (generated convolutions, <c>Linear</c>, <c>BatchNorm2d</c>), so trained weights can be
/// loaded by name from an ONNX file or a state dict.
/// </summary>
public interface IParameterized
{
    /// <summary>The layer's parameters and buffers, in PyTorch's order and with PyTorch's names.</summary>
    IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <summary>Replaces the parameter <paramref name="name"/> with <paramref name="values"/> (PyTorch layout).</summary>
    /// <exception cref="ArgumentException">The layer has no such parameter, or <paramref name="values"/> has the wrong length.</exception>
    void SetParameter(string name, ReadOnlySpan<float> values);
}
