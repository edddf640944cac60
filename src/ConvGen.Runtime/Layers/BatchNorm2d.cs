using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using ConvGen.Operators;

namespace ConvGen;

/// <summary>
/// PyTorch's <c>nn.BatchNorm2d(num_features, eps, affine)</c> in eval mode on NCHW (or CHW) input:
/// y = (x - running_mean) / sqrt(running_var + eps) * weight + bias, per channel. Each channel is one multiply-add
/// y = x * scale + shift with scale and shift computed in float64 whenever a parameter changes.
/// </summary>
public sealed class BatchNorm2d : ILayer, IParameterized
{
    private readonly float[] _weight;
    private readonly float[] _bias;
    private readonly float[] _runningMean;
    private readonly float[] _runningVar;
    private readonly float[] _scale;
    private readonly float[] _shift;
    private readonly ParameterInfo[] _parameters;

    /// <summary>Creates the layer with PyTorch's initial state: weight 1, bias 0, running mean 0, running variance 1.</summary>
    /// <param name="numFeatures">Channels.</param>
    /// <param name="eps">Added to the variance (PyTorch's default 1e-5).</param>
    /// <param name="affine">Whether the layer has a learnable weight and bias.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numFeatures"/> is not positive or <paramref name="eps"/> is negative or not finite.</exception>
    public BatchNorm2d(int numFeatures, double eps = 1e-5, bool affine = true)
    {
        LayerArguments.AtLeast(numFeatures, 1, nameof(numFeatures));
        if (!(eps >= 0) || !double.IsFinite(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"eps must be finite and not negative, but is {eps}.");
        }

        (NumFeatures, Eps, Affine) = (numFeatures, eps, affine);
        _weight = affine ? Filled(numFeatures, 1f) : [];
        _bias = affine ? new float[numFeatures] : [];
        _runningMean = new float[numFeatures];
        _runningVar = Filled(numFeatures, 1f);
        _scale = new float[numFeatures];
        _shift = new float[numFeatures];
        ParameterInfo mean = new("running_mean", [numFeatures]), variance = new("running_var", [numFeatures]);
        _parameters = affine
            ? [new ParameterInfo("weight", [numFeatures]), new ParameterInfo("bias", [numFeatures]), mean, variance]
            : [mean, variance];
        Update();
    }

    /// <summary>Creates the layer with trained values.</summary>
    /// <param name="weight">gamma per channel, or empty for a layer without affine parameters.</param>
    /// <param name="bias">beta per channel, or empty for a layer without affine parameters.</param>
    /// <param name="runningMean">Running mean per channel; its length is the channel count.</param>
    /// <param name="runningVar">Running variance per channel.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <exception cref="ArgumentException">The spans' lengths disagree.</exception>
    public BatchNorm2d(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, double eps = 1e-5)
        : this(runningMean.Length, eps, !weight.IsEmpty || !bias.IsEmpty)
    {
        if (Affine)
        {
            SetParameter("weight", weight);
            SetParameter("bias", bias);
        }

        SetParameter("running_mean", runningMean);
        SetParameter("running_var", runningVar);
    }

    /// <summary>Channels.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Whether the layer has a learnable weight and bias.</summary>
    public bool Affine { get; }

    /// <summary>Learnable values as PyTorch counts them: 2 x channels when affine, else 0 (running statistics are buffers).</summary>
    public int ParameterCount => _weight.Length + _bias.Length;

    /// <summary>gamma (empty when not affine).</summary>
    public ReadOnlySpan<float> Weight => _weight;

    /// <summary>beta (empty when not affine).</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>The running mean.</summary>
    public ReadOnlySpan<float> RunningMean => _runningMean;

    /// <summary>The running variance.</summary>
    public ReadOnlySpan<float> RunningVar => _runningVar;

    /// <summary>weight / sqrt(running_var + eps) per channel, as applied (float64 rounded to float).</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>bias - running_mean * scale per channel, as applied.</summary>
    public ReadOnlySpan<float> Shift => _shift;

    /// <summary>weight, bias (when affine), running_mean, running_var: PyTorch's state-dict names, without num_batches_tracked.</summary>
    public IReadOnlyList<ParameterInfo> Parameters => _parameters;

    /// <inheritdoc/>
    public void SetParameter(string name, ReadOnlySpan<float> values)
    {
        ParameterStore.Set(_parameters, name, values, name switch
        {
            "weight" when Affine => _weight,
            "bias" when Affine => _bias,
            "running_mean" => _runningMean,
            "running_var" => _runningVar,
            _ => null,
        }, nameof(BatchNorm2d));
        Update();
    }

    /// <summary>The per-channel scale and shift in float64: the exact eval-mode transform y = x * scale + shift.</summary>
    /// <param name="channel">A channel index.</param>
    public (double Scale, double Shift) Affinity(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, NumFeatures);
        double scale = (Affine ? _weight[channel] : 1.0) / Math.Sqrt(_runningVar[channel] + Eps);
        double shift = (Affine ? _bias[channel] : 0.0) - (_runningMean[channel] * scale);
        return (scale, shift);
    }

    /// <inheritdoc/>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputShape)
    {
        Read(inputShape, out _, out _);
        return inputShape.ToArray();
    }

    /// <inheritdoc/>
    public Tensor<float> Forward(Tensor<float> input) => LayerTensors.Forward(this, input);

    /// <summary>Normalises each channel; <paramref name="output"/> may be <paramref name="input"/>'s own memory.</summary>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output)
    {
        Read(inputShape, out int batch, out int plane);
        long count = (long)batch * NumFeatures * plane;
        LayerArguments.Spans(input, count, output, count, allowInPlace: true);
        ScaleShift.Run(input, output, batch, NumFeatures, plane, _scale, _shift);
    }

    private void Read(ReadOnlySpan<nint> shape, out int batch, out int plane)
    {
        LayerArguments.Images(shape, nameof(BatchNorm2d), out batch, out int channels, out int height, out int width);
        if (channels != NumFeatures)
        {
            throw new ArgumentException($"BatchNorm2d expects {NumFeatures} channels, got shape {LayerShapes.Format(shape)}.", "inputShape");
        }

        plane = height * width;
    }

    private void Update()
    {
        for (int c = 0; c < NumFeatures; c++)
        {
            (double scale, double shift) = Affinity(c);
            (_scale[c], _shift[c]) = ((float)scale, (float)shift);
        }
    }

    private static float[] Filled(int length, float value)
    {
        var values = new float[length];
        Array.Fill(values, value);
        return values;
    }
}
