using System;

namespace ConvGen;

/// <summary>
/// Generates a specialised 1-D convolution (PyTorch <c>nn.Conv1d</c> semantics, NCL float32) into
/// the <c>partial class</c> it is placed on. Weights are laid out <c>[out, in/groups, k]</c>.
/// </summary>
/// <remarks><c>length</c> fixes the input length, so the output length is checked at compile time.
/// Invalid arguments are compile-time errors (CG0001...).</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class Conv1dAttribute : Attribute
{
    /// <param name="in">Input channels.</param>
    /// <param name="out">Output channels.</param>
    /// <param name="k">Kernel size.</param>
    /// <param name="s">Stride.</param>
    /// <param name="p">Zero padding on both ends.</param>
    /// <param name="d">Dilation.</param>
    /// <param name="groups">Groups: must divide <paramref name="in"/> and <paramref name="out"/>.</param>
    /// <param name="bias">Whether the layer adds a learnable bias.</param>
    /// <param name="padding">Padding mode; anything but <see cref="Padding.Explicit"/> excludes p.</param>
    /// <param name="length">Fixed input length (0: any length).</param>
    /// <param name="activation">Activation fused into the layer: the output is activation(conv(x) + bias).</param>
    public Conv1dAttribute(
        int @in, int @out, int k = 0, int s = 1, int p = 0, int d = 1, int groups = 1, bool bias = true,
        Padding padding = Padding.Explicit, int length = 0, Activation activation = Activation.None)
    {
    }
}
