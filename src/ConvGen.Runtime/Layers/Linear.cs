using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using ConvGen.Operators;

namespace ConvGen;

/// <summary>
/// PyTorch's <c>nn.Linear(in_features, out_features, bias)</c>: y = x W^T + b over the last dimension of an input of
/// any rank (<c>[..., in]</c> to <c>[..., out]</c>), with W of shape <c>[out, in]</c>.
/// </summary>
public sealed class Linear : ILayer, IParameterized
{
    private readonly float[] _weight;
    private readonly float[] _packed; // _weight packed as Dense runs it
    private readonly float[] _bias;
    private readonly ParameterInfo[] _parameters;

    /// <summary>Creates the layer initialised as PyTorch's <c>reset_parameters</c> (uniform in ±1/sqrt(in)).</summary>
    /// <param name="inFeatures">Input features (the input's last dimension).</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="random">The source of the initial values; null for a new unseeded one.</param>
    /// <exception cref="ArgumentOutOfRangeException">A feature count is not positive.</exception>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Random? random = null)
    {
        LayerArguments.AtLeast(inFeatures, 1, nameof(inFeatures));
        LayerArguments.AtLeast(outFeatures, 1, nameof(outFeatures));
        (InFeatures, OutFeatures, HasBias) = (inFeatures, outFeatures, bias);
        _weight = new float[checked(inFeatures * outFeatures)];
        _packed = new float[Dense.PackedLength(outFeatures, inFeatures)];
        _bias = new float[bias ? outFeatures : 0];
        _parameters = bias
            ? [new ParameterInfo("weight", [outFeatures, inFeatures]), new ParameterInfo("bias", [outFeatures])]
            : [new ParameterInfo("weight", [outFeatures, inFeatures])];
        ParameterInit.ConvUniform(_weight, _bias, inFeatures, random ?? new Random());
        Dense.PackInto(_weight, _packed, outFeatures, inFeatures);
    }

    /// <summary>Creates the layer with trained parameters in PyTorch's layout.</summary>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="weight">[out, in] values.</param>
    /// <param name="bias">[out] values, or empty for a layer without bias.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public Linear(int inFeatures, int outFeatures, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
        : this(inFeatures, outFeatures, !bias.IsEmpty, new Random(0))
    {
        SetParameter("weight", weight);
        if (HasBias)
        {
            SetParameter("bias", bias);
        }
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>Whether the layer adds a bias.</summary>
    public bool HasBias { get; }

    /// <summary>out x in weights, plus out biases when biased.</summary>
    public int ParameterCount => _weight.Length + _bias.Length;

    /// <summary>The weight, [out, in] (read-only view).</summary>
    public ReadOnlySpan<float> Weight => _weight;

    /// <summary>The bias, [out] (empty without bias).</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <inheritdoc/>
    public IReadOnlyList<ParameterInfo> Parameters => _parameters;

    /// <inheritdoc/>
    public void SetParameter(string name, ReadOnlySpan<float> values)
    {
        ParameterStore.Set(_parameters, name, values, name switch
        {
            "weight" => _weight,
            "bias" when HasBias => _bias,
            _ => null,
        }, nameof(Linear));
        if (name == "weight")
        {
            Dense.PackInto(_weight, _packed, OutFeatures, InFeatures);
        }
    }

    /// <inheritdoc/>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputShape)
    {
        Rows(inputShape);
        nint[] shape = inputShape.ToArray();
        shape[^1] = OutFeatures;
        return shape;
    }

    /// <inheritdoc/>
    public Tensor<float> Forward(Tensor<float> input) => LayerTensors.Forward(this, input);

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output)
    {
        long rows = Rows(inputShape);
        LayerArguments.Spans(input, rows * InFeatures, output, rows * OutFeatures);
        Dense.Run(input, output, (int)rows, InFeatures, OutFeatures, _packed, _bias);
    }

    private long Rows(ReadOnlySpan<nint> shape)
    {
        if (shape.Length == 0 || shape[^1] != InFeatures)
        {
            throw new ArgumentException($"Linear expects an input whose last dimension is {InFeatures}, got shape {LayerShapes.Format(shape)}.", "inputShape");
        }

        long count = LayerArguments.Count(shape);
        if ((double)count / InFeatures * OutFeatures > Array.MaxLength)
        {
            throw new ArgumentException($"the output for shape {LayerShapes.Format(shape)} is too large for one array.", "inputShape");
        }

        return count / InFeatures;
    }
}
