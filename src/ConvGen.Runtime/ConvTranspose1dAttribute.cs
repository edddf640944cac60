using System;

namespace ConvGen;

/// <summary>
/// Generates a specialised 1-D transposed convolution (PyTorch <c>nn.ConvTranspose1d</c> semantics, NCL float32) into
/// the <c>partial class</c> it is placed on. Weights are laid out <c>[in, out/groups, k]</c>.
/// </summary>
/// <remarks>Output length: (length - 1)*s - 2p + d*(k - 1) + op + 1. <c>length</c> fixes the input length.
/// Invalid arguments are compile-time errors (CG0001...).</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ConvTranspose1dAttribute : Attribute
{
    /// <param name="in">Input channels.</param>
    /// <param name="out">Output channels.</param>
    /// <param name="k">Kernel size.</param>
    /// <param name="s">Stride.</param>
    /// <param name="p">Padding: p outputs dropped at both ends.</param>
    /// <param name="op">Output padding: extra outputs at the end; smaller than the stride or the dilation.</param>
    /// <param name="d">Dilation.</param>
    /// <param name="groups">Groups: must divide <paramref name="in"/> and <paramref name="out"/>.</param>
    /// <param name="bias">Whether the layer adds a learnable bias.</param>
    /// <param name="activation">Activation fused into the layer: the output is activation(conv_transpose(x) + bias).</param>
    /// <param name="length">Fixed input length (0: any length).</param>
    public ConvTranspose1dAttribute(
        int @in, int @out, int k = 0, int s = 1, int p = 0, int op = 0, int d = 1, int groups = 1, bool bias = true,
        Activation activation = Activation.None, int length = 0)
    {
    }
}
