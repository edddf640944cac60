using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using System.Threading;

namespace ConvGen;

/// <summary>
/// PyTorch's <c>nn.Sequential</c>: layers run one after another. Every layer's output shape is inferred before
/// anything runs (a shape a layer cannot take is reported with the layer's index and name and the shapes involved);
/// intermediate results live in two buffers kept between calls, so a span <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{nint}, Span{float})"/>
/// allocates nothing after the first call for a given input shape. Calls on one instance are serialised by a lock.
/// Parameters are named as in PyTorch (<c>"0.weight"</c>, <c>"features.3.running_mean"</c>), so trained weights load by name.
/// </summary>
public sealed class Sequential : ILayer, IParameterized
{
    private readonly ILayer[] _layers;
    private readonly string[] _names;
    private readonly ParameterInfo[] _parameters;
    private readonly Dictionary<string, (IParameterized Layer, string Name)> _routes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    // The plan for the last input shape: every layer's output shape and two ping-pong buffers for the intermediates.
    private nint[]? _plannedInput;
    private nint[][] _shapes = [];
    private float[] _even = [];
    private float[] _odd = [];

    /// <summary>Layers named "0", "1", ... as in PyTorch's <c>nn.Sequential(*layers)</c>.</summary>
    /// <exception cref="ArgumentException">There are no layers, or one is null.</exception>
    public Sequential(params ILayer[] layers)
        : this(Numbered(layers))
    {
    }

    /// <summary>Named layers, as PyTorch's <c>nn.Sequential(OrderedDict(...))</c>.</summary>
    /// <exception cref="ArgumentException">There are no layers, a layer is null, or a name is empty, contains '.' or repeats.</exception>
    public Sequential(IEnumerable<(string Name, ILayer Layer)> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var list = new List<ILayer>();
        var names = new List<string>();
        var parameters = new List<ParameterInfo>();
        foreach ((string name, ILayer layer) in layers)
        {
            if (layer is null)
            {
                throw new ArgumentException($"layer {list.Count} is null.", nameof(layers));
            }

            if (string.IsNullOrEmpty(name) || name.Contains('.', StringComparison.Ordinal) || names.Contains(name))
            {
                throw new ArgumentException($"layer {list.Count} has name '{name}'; names must be non-empty, unique and without '.'.", nameof(layers));
            }

            if (layer is IParameterized parameterized)
            {
                foreach (ParameterInfo info in parameterized.Parameters)
                {
                    string full = name + "." + info.Name;
                    parameters.Add(new ParameterInfo(full, info.Shape));
                    _routes.Add(full, (parameterized, info.Name));
                }
            }

            list.Add(layer);
            names.Add(name);
        }

        if (list.Count == 0)
        {
            throw new ArgumentException("a Sequential needs at least one layer.", nameof(layers));
        }

        (_layers, _names, _parameters) = (list.ToArray(), names.ToArray(), parameters.ToArray());
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<ILayer> Layers => _layers;

    /// <summary>The layers' names, in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The sum of the layers' parameter counts.</summary>
    public int ParameterCount
    {
        get
        {
            long total = 0;
            foreach (ILayer layer in _layers)
            {
                total += layer.ParameterCount;
            }

            return checked((int)total);
        }
    }

    /// <summary>Every <see cref="IParameterized"/> layer's parameters, prefixed with the layer's name and a dot.</summary>
    public IReadOnlyList<ParameterInfo> Parameters => _parameters;

    /// <summary>Sets a parameter by its full name, e.g. <c>"0.weight"</c>.</summary>
    /// <exception cref="ArgumentException">No layer has that parameter, or the length is wrong.</exception>
    public void SetParameter(string name, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_routes.TryGetValue(name, out var route))
        {
            throw new ArgumentException($"this Sequential has no parameter '{name}'; see Parameters for the names.", nameof(name));
        }

        route.Layer.SetParameter(route.Name, values);
    }

    /// <summary>The output shape, inferring every layer's in turn.</summary>
    /// <exception cref="ArgumentException">A layer cannot take the shape it would receive; the message names the layer and the shapes.</exception>
    public nint[] GetOutputShape(ReadOnlySpan<nint> inputShape) => Infer(inputShape)[^1];

    /// <summary>Every layer's output shape for an input of <paramref name="inputShape"/>, in order.</summary>
    /// <exception cref="ArgumentException">A layer cannot take the shape it would receive.</exception>
    public IReadOnlyList<nint[]> GetLayerOutputShapes(ReadOnlySpan<nint> inputShape) => Infer(inputShape);

    /// <inheritdoc/>
    public Tensor<float> Forward(Tensor<float> input) => LayerTensors.Forward(this, input);

    /// <summary>Runs every layer (each on as many cores as its work gains from); allocates nothing after the first
    /// call with the same input shape.</summary>
    /// <exception cref="ArgumentException">A layer cannot take its input shape, or a span has the wrong length.</exception>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output) => Forward(input, inputShape, output, 0);

    /// <summary>Runs every layer, each on at most <paramref name="degreeOfParallelism"/> threads (0: one per core where a
    /// layer's work is large enough to gain); allocates nothing after the first call with the same input shape.</summary>
    /// <exception cref="ArgumentException">A layer cannot take its input shape, a span has the wrong length, or
    /// <paramref name="degreeOfParallelism"/> is negative.</exception>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<nint> inputShape, Span<float> output, int degreeOfParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(degreeOfParallelism);
        lock (_gate)
        {
            if (_plannedInput is null || !inputShape.SequenceEqual(_plannedInput))
            {
                Plan(inputShape);
            }

            long inputCount = LayerShapes.ElementCount(inputShape);
            LayerArguments.Spans(input, inputCount, output, LayerShapes.ElementCount(_shapes[^1]));
            ReadOnlySpan<float> current = input;
            ReadOnlySpan<nint> currentShape = inputShape;
            for (int i = 0; i < _layers.Length; i++)
            {
                Span<float> target = i == _layers.Length - 1
                    ? output
                    : (i % 2 == 0 ? _even : _odd).AsSpan(0, LayerShapes.ElementCount(_shapes[i]));
                _layers[i].Forward(current, currentShape, target, degreeOfParallelism);
                current = target;
                currentShape = _shapes[i];
            }
        }
    }

    /// <summary>
    /// A table like torchsummary's: each layer (nested Sequentials expanded, as <c>Type-index</c>, activations by their
    /// PyTorch name such as <c>ReLU-3</c>), its output
    /// shape and parameter count, then the total.
    /// </summary>
    /// <param name="inputShape">The input shape, batch included, e.g. [1, 3, 32, 32].</param>
    /// <exception cref="ArgumentException">A layer cannot take the shape it would receive.</exception>
    public string Summary(ReadOnlySpan<nint> inputShape)
    {
        var rows = new List<(string Layer, string Shape, long Parameters)>();
        Collect(this, inputShape.ToArray(), rows);
        int layerWidth = 20, shapeWidth = 25;
        foreach (var (layer, shape, _) in rows)
        {
            (layerWidth, shapeWidth) = (Math.Max(layerWidth, layer.Length), Math.Max(shapeWidth, shape.Length));
        }

        var text = new StringBuilder();
        int width = layerWidth + shapeWidth + 19;
        string rule = new('-', width), doubleRule = new('=', width);
        text.AppendLine(rule);
        text.AppendLine(Row("Layer (type)", "Output Shape", "Param #"));
        text.AppendLine(doubleRule);
        long total = 0;
        foreach (var (layer, shape, parameters) in rows)
        {
            text.AppendLine(Row(layer, shape, parameters.ToString("N0", CultureInfo.InvariantCulture)));
            total += parameters;
        }

        text.AppendLine(doubleRule);
        text.AppendLine(CultureInfo.InvariantCulture, $"Input shape: {LayerShapes.Format(inputShape)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Total params: {total:N0}");
        text.AppendLine(rule);
        return text.ToString();

        string Row(string layer, string shape, string parameters) =>
            layer.PadLeft(layerWidth) + "  " + shape.PadLeft(shapeWidth) + "  " + parameters.PadLeft(15);
    }

    private static IEnumerable<(string, ILayer)> Numbered(ILayer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var named = new (string, ILayer)[layers.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            named[i] = (i.ToString(CultureInfo.InvariantCulture), layers[i]);
        }

        return named;
    }

    private static nint[] Collect(Sequential sequential, nint[] shape, List<(string, string, long)> rows)
    {
        for (int i = 0; i < sequential._layers.Length; i++)
        {
            ILayer layer = sequential._layers[i];
            if (layer is Sequential nested)
            {
                shape = Collect(nested, shape, rows);
                continue;
            }

            shape = sequential.InferOne(i, shape);
            string type = layer is ActivationLayer activation ? activation.Activation.ToString() : layer.GetType().Name;
            rows.Add(($"{type}-{rows.Count + 1}", LayerShapes.Format(shape), layer.ParameterCount));
        }

        return shape;
    }

    private nint[][] Infer(ReadOnlySpan<nint> inputShape)
    {
        var shapes = new nint[_layers.Length][];
        nint[] shape = inputShape.ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            shape = InferOne(i, shape);
            shapes[i] = shape;
        }

        return shapes;
    }

    // Layer i's output shape, or an error naming the layer, the shape it would receive and the layer's own complaint.
    private nint[] InferOne(int i, nint[] shape)
    {
        try
        {
            return _layers[i].GetOutputShape(shape);
        }
        catch (ArgumentException e)
        {
            string from = i == 0 ? "the network's input" : $"the output of layer {i - 1} ('{_names[i - 1]}')";
            throw new ArgumentException(
                $"layer {i} ('{_names[i]}', {_layers[i].GetType().Name}) cannot take shape {LayerShapes.Format(shape)} ({from}): {e.Message}",
                "inputShape", e);
        }
    }

    private void Plan(ReadOnlySpan<nint> inputShape)
    {
        nint[][] shapes = Infer(inputShape);
        int even = 0, odd = 0;
        for (int i = 0; i < shapes.Length - 1; i++)
        {
            int count = LayerShapes.ElementCount(shapes[i]);
            if (i % 2 == 0)
            {
                even = Math.Max(even, count);
            }
            else
            {
                odd = Math.Max(odd, count);
            }
        }

        LayerShapes.ElementCount(shapes[^1]);
        if (_even.Length < even)
        {
            _even = new float[even];
        }

        if (_odd.Length < odd)
        {
            _odd = new float[odd];
        }

        (_shapes, _plannedInput) = (shapes, inputShape.ToArray());
    }
}
