using System;

namespace ConvGen;

/// <summary>
/// Folds an eval-mode <see cref="BatchNorm2d"/> into the convolution before it: conv followed by batch norm equals one
/// convolution with weight W'[o] = W[o] * s[o] and bias b'[o] = (b[o] - mean[o]) * s[o] + beta[o], where
/// s = gamma / sqrt(var + eps). Computed in float64, rounded once to float.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>The folded weight and bias for a convolution of PyTorch layout <c>[out, in/groups, kh, kw]</c> (or any
    /// <c>[out, ...]</c>, e.g. Conv1d's) whose output channels are the batch norm's channels.</summary>
    /// <param name="weight">The convolution's weight; its length must be a multiple of the channel count.</param>
    /// <param name="bias">The convolution's bias per output channel, or empty when it has none (treated as 0).</param>
    /// <param name="batchNorm">The batch norm that follows the convolution.</param>
    /// <returns>The weight (same layout and length) and a bias of one value per channel; the folded layer needs a bias.</returns>
    /// <exception cref="ArgumentException">The lengths do not match the batch norm's channel count.</exception>
    public static (float[] Weight, float[] Bias) Fold(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, BatchNorm2d batchNorm)
    {
        ArgumentNullException.ThrowIfNull(batchNorm);
        int channels = batchNorm.NumFeatures;
        if (weight.IsEmpty || weight.Length % channels != 0)
        {
            throw new ArgumentException(
                $"weight has {weight.Length} values, which is not [out, ...] with out = {channels} (the batch norm's channels).", nameof(weight));
        }

        if (!bias.IsEmpty && bias.Length != channels)
        {
            throw new ArgumentException($"bias has {bias.Length} values, but the batch norm has {channels} channels; pass one per channel or none.", nameof(bias));
        }

        int perChannel = weight.Length / channels;
        var foldedWeight = new float[weight.Length];
        var foldedBias = new float[channels];
        for (int o = 0; o < channels; o++)
        {
            (double scale, double shift) = batchNorm.Affinity(o);
            for (int i = o * perChannel; i < (o + 1) * perChannel; i++)
            {
                foldedWeight[i] = (float)(weight[i] * scale);
            }

            foldedBias[o] = (float)(((bias.IsEmpty ? 0.0 : bias[o]) * scale) + shift);
        }

        return (foldedWeight, foldedBias);
    }

    /// <summary>
    /// Folds <paramref name="batchNorm"/> into <paramref name="convolution"/> in place: computes <see cref="Fold"/> from
    /// the convolution's current parameters (<paramref name="weight"/>, <paramref name="bias"/>) and sets its
    /// <c>weight</c> and <c>bias</c>. The convolution must have a bias parameter (declare it with <c>bias: true</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The convolution has no weight or bias parameter, or the shapes do not match.</exception>
    public static void FoldInto(IParameterized convolution, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, BatchNorm2d batchNorm)
    {
        ArgumentNullException.ThrowIfNull(convolution);
        ParameterInfo? weightInfo = null, biasInfo = null;
        foreach (ParameterInfo info in convolution.Parameters)
        {
            if (info.Name == "weight")
            {
                weightInfo = info;
            }
            else if (info.Name == "bias")
            {
                biasInfo = info;
            }
        }

        if (weightInfo is null || biasInfo is null)
        {
            throw new ArgumentException(
                "the convolution needs a 'weight' and a 'bias' parameter to receive a folded batch norm; declare it with bias: true.", nameof(convolution));
        }

        if (weightInfo.Shape.Count == 0 || weightInfo.Shape[0] != batchNorm.NumFeatures || weightInfo.Length != weight.Length)
        {
            throw new ArgumentException(
                $"the convolution's weight is [{string.Join(", ", weightInfo.Shape)}] and {weight.Length} values were given, " +
                $"but the batch norm has {batchNorm.NumFeatures} channels.", nameof(weight));
        }

        (float[] foldedWeight, float[] foldedBias) = Fold(weight, bias, batchNorm);
        convolution.SetParameter("weight", foldedWeight);
        convolution.SetParameter("bias", foldedBias);
    }
}
