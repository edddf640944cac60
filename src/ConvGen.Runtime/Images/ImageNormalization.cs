using System;
using System.Globalization;

namespace ConvGen;

/// <summary>
/// Per-channel mean and standard deviation of an image input, as torchvision's <c>ToTensor()</c> followed by
/// <c>Normalize(mean, std)</c>: each 8-bit value x of channel c becomes <c>(x / 255 - mean[c]) / std[c]</c>.
/// Channels are in the model's order. Immutable; one instance can serve any number of threads.
/// </summary>
public sealed class ImageNormalization
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates a normalisation with one mean and one standard deviation per channel.</summary>
    /// <param name="mean">Per-channel mean of the values scaled to [0, 1], in the model's channel order.</param>
    /// <param name="std">Per-channel standard deviation, in the same order; finite and non-zero.</param>
    /// <exception cref="ArgumentException">The lengths differ or are 0, a mean is not finite, or a standard deviation is
    /// zero or not finite.</exception>
    public ImageNormalization(ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        if (mean.Length == 0)
        {
            throw new ArgumentException("mean has 0 values, but needs one per channel (at least 1).", nameof(mean));
        }

        if (std.Length != mean.Length)
        {
            throw new ArgumentException($"std has {std.Length} values, but mean has {mean.Length}; give one of each per channel.", nameof(std));
        }

        for (int c = 0; c < mean.Length; c++)
        {
            if (!float.IsFinite(mean[c]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"mean[{c}] is {mean[c]}, but a mean must be finite."), nameof(mean));
            }

            if (std[c] == 0 || !float.IsFinite(std[c]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"std[{c}] is {std[c]}, but a standard deviation must be finite and non-zero (it divides)."),
                    nameof(std));
            }
        }

        _mean = mean.ToArray();
        _std = std.ToArray();
    }

    /// <summary>torchvision's ImageNet statistics, used by its pretrained classification models:
    /// mean 0.485, 0.456, 0.406 and std 0.229, 0.224, 0.225 (RGB).</summary>
    public static ImageNormalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>No normalisation, only <c>ToTensor()</c>'s scaling to [0, 1] (mean 0, std 1): x / 255.</summary>
    /// <param name="channels">Number of channels: 1 for <see cref="PixelLayout.Gray8"/>, 3 for colour.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="channels"/> is not positive.</exception>
    public static ImageNormalization UnitRange(int channels)
    {
        if (channels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"channels must be positive, but is {channels}.");
        }

        var ones = new float[channels];
        Array.Fill(ones, 1f);
        return new ImageNormalization(new float[channels], ones);
    }

    /// <summary>Number of channels.</summary>
    public int Channels => _mean.Length;

    /// <summary>Per-channel mean, in the model's channel order.</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>Per-channel standard deviation, in the model's channel order.</summary>
    public ReadOnlySpan<float> Std => _std;

    /// <summary>The statistics, e.g. <c>mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]</c>.</summary>
    public override string ToString() => $"mean [{Format(_mean)}], std [{Format(_std)}]";

    private static string Format(float[] values) =>
        string.Join(", ", Array.ConvertAll(values, value => value.ToString(CultureInfo.InvariantCulture)));
}
