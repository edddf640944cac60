using System;
using System.Collections.Generic;

namespace ConvGen;

/// <summary>
/// The depthwise-separable block of MobileNet: a depthwise convolution (<c>groups: in</c>), batch norm and activation,
/// then a pointwise (1x1) convolution, batch norm and activation, as one <see cref="Sequential"/> whose layers are named
/// <c>depthwise</c>, <c>bn1</c>, <c>act1</c>, <c>pointwise</c>, <c>bn2</c>, <c>act2</c> (a PyTorch module with those
/// attributes loads by name).
/// </summary>
public static class DepthwiseSeparable
{
    /// <summary>Builds the block from two generated convolutions, e.g.
    /// <c>[Conv2d(@in: 32, @out: 32, k: 3, p: 1, groups: 32, bias: false)]</c> and <c>[Conv2d(@in: 32, @out: 64, k: 1, bias: false)]</c>.</summary>
    /// <param name="depthwise">The depthwise convolution.</param>
    /// <param name="pointwise">The 1x1 convolution.</param>
    /// <param name="depthwiseNorm">Batch norm after the depthwise convolution, or null for none.</param>
    /// <param name="pointwiseNorm">Batch norm after the pointwise convolution, or null for none.</param>
    /// <param name="activation">Activation after each convolution (and its batch norm); <see cref="Activation.None"/> for none.</param>
    public static Sequential Create(ILayer depthwise, ILayer pointwise, BatchNorm2d? depthwiseNorm = null, BatchNorm2d? pointwiseNorm = null,
        Activation activation = Activation.ReLU)
    {
        ArgumentNullException.ThrowIfNull(depthwise);
        ArgumentNullException.ThrowIfNull(pointwise);
        var layers = new List<(string, ILayer)> { ("depthwise", depthwise) };
        if (depthwiseNorm is not null)
        {
            layers.Add(("bn1", depthwiseNorm));
        }

        if (activation != Activation.None)
        {
            layers.Add(("act1", new ActivationLayer(activation)));
        }

        layers.Add(("pointwise", pointwise));
        if (pointwiseNorm is not null)
        {
            layers.Add(("bn2", pointwiseNorm));
        }

        if (activation != Activation.None)
        {
            layers.Add(("act2", new ActivationLayer(activation)));
        }

        return new Sequential(layers);
    }
}
