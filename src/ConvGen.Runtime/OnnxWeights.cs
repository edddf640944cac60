using System;
using System.Collections.Generic;
using System.Linq;
using ConvGen.Onnx;

namespace ConvGen;

/// <summary>
/// Loads trained parameters from an ONNX model's initializers by name: the parameter <c>weight</c> of a layer loaded with
/// prefix <c>"features.0"</c> reads the initializer <c>"features.0.weight"</c>, as PyTorch's exporter names them
/// (export with <c>training=torch.onnx.TrainingMode.PRESERVE</c> on an eval-mode model so batch norms are not
/// folded away and keep their names). Every shape is checked against the layer's.
/// </summary>
public static class OnnxWeights
{
    /// <summary>Reads <paramref name="path"/> and loads <paramref name="target"/>'s parameters from it.</summary>
    /// <inheritdoc cref="Load(OnnxModel, IParameterized, string, bool)"/>
    public static int Load(string path, IParameterized target, string prefix = "", bool strict = true) =>
        Load(OnnxModel.Load(path), target, prefix, strict);

    /// <summary>Sets every parameter of <paramref name="target"/> from the initializer named <c>prefix.name</c>.</summary>
    /// <param name="model">The ONNX model.</param>
    /// <param name="target">A layer or a <see cref="Sequential"/> (whose parameter names carry its layers' names).</param>
    /// <param name="prefix">The layer's name in the exported module (e.g. <c>"classifier.1"</c>); empty for none.</param>
    /// <param name="strict">Throw when a parameter has no initializer (else skip it).</param>
    /// <returns>The number of parameters set.</returns>
    /// <exception cref="ArgumentException">An initializer is missing (when <paramref name="strict"/>), is not float32,
    /// or has a shape other than the parameter's; nothing is set in that case.</exception>
    /// <exception cref="InvalidOperationException">An initializer is stored as ONNX external data and the model was parsed
    /// from bytes alone (load it with <see cref="OnnxModel.Load(string)"/>, which reads the files beside it); nothing is set.</exception>
    public static int Load(OnnxModel model, IParameterized target, string prefix = "", bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(prefix);
        var byName = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (OnnxTensor tensor in model.Initializers)
        {
            byName.TryAdd(tensor.Name, tensor);
        }

        // Check everything first so a bad file leaves the layer untouched.
        var matches = new List<(string Name, OnnxTensor Tensor)>();
        var missing = new List<string>();
        foreach (ParameterInfo parameter in target.Parameters)
        {
            string name = prefix.Length == 0 ? parameter.Name : prefix + "." + parameter.Name;
            if (!byName.TryGetValue(name, out OnnxTensor? tensor))
            {
                missing.Add(name);
                continue;
            }

            if (tensor.DataType != OnnxTensor.FloatType)
            {
                throw new ArgumentException($"initializer '{name}' has ONNX data type {tensor.DataType}, but parameters are float32 (type 1).", nameof(model));
            }

            if (!tensor.Dims.SequenceEqual(parameter.Shape.Select(d => (long)d)))
            {
                throw new ArgumentException(
                    $"initializer '{name}' has shape [{string.Join(", ", tensor.Dims)}], but the layer's parameter '{parameter.Name}' is [{string.Join(", ", parameter.Shape)}].",
                    nameof(model));
            }

            _ = tensor.Values; // an external tensor is read here, so a missing or short file fails before anything is set
            matches.Add((parameter.Name, tensor));
        }

        if (strict && missing.Count > 0)
        {
            string available = string.Join(", ", byName.Keys.Take(20)) + (byName.Count > 20 ? ", ..." : "");
            throw new ArgumentException(
                $"the model has no initializer named {string.Join(", ", missing.Select(m => $"'{m}'"))}; its initializers are: {available}.", nameof(model));
        }

        foreach ((string name, OnnxTensor tensor) in matches)
        {
            target.SetParameter(name, tensor.Values);
        }

        return matches.Count;
    }
}
