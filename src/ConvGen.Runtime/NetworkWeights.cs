using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using ConvGen.Onnx;

namespace ConvGen;

/// <summary>
/// The trained tensors a generated <c>[OnnxModel]</c> network reads when it is constructed, taken from an ONNX file:
/// the one embedded in the assembly (the manifest resource <c>ConvGen/&lt;path in the project&gt;</c> that the package's
/// <c>build/ConvGen.targets</c> makes of every <c>.onnx</c> AdditionalFiles item), or another export of the same
/// architecture (a fine-tuned one). Every tensor the network was compiled for is checked first, by name, element type
/// and shape, so a file of another architecture fails before anything is built. Called by generated networks.
/// </summary>
public sealed class NetworkWeights
{
    private readonly Dictionary<string, OnnxTensor> _tensors;

    private NetworkWeights(Dictionary<string, OnnxTensor> tensors) => _tensors = tensors;

    /// <summary>Reads the model embedded in <paramref name="assembly"/> as the resource <c>ConvGen/&lt;path&gt;</c> whose
    /// path ends with <paramref name="modelPath"/>, by the rule [OnnxModel] found the file with at compile time
    /// (<see cref="OnnxModelPath.Matches"/>).</summary>
    /// <param name="assembly">The assembly of the generated network.</param>
    /// <param name="modelPath">The model's name as the [OnnxModel] attribute gives it.</param>
    /// <param name="expected">Every tensor the network reads, with the shape it was compiled for.</param>
    /// <exception cref="InvalidOperationException">The assembly embeds no such model, several, or one that is not the model
    /// the network was compiled from.</exception>
    public static NetworkWeights FromResource(Assembly assembly, string modelPath, ReadOnlySpan<(string Name, long[] Shape)> expected)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(modelPath);
        var found = new List<string>();
        foreach (string name in assembly.GetManifestResourceNames())
        {
            if (name.StartsWith(OnnxModelPath.ResourcePrefix, StringComparison.Ordinal) && OnnxModelPath.Matches(name[OnnxModelPath.ResourcePrefix.Length..], modelPath))
            {
                found.Add(name);
            }
        }

        if (found.Count != 1)
        {
            throw new InvalidOperationException(found.Count == 0
                ? $"the assembly {assembly.GetName().Name} embeds no model '{modelPath}'. [OnnxModel] networks read their weights from the .onnx file "
                    + "embedded as the resource ConvGen/<path>: reference the ConvGen package (its build/ConvGen.targets embeds every .onnx AdditionalFiles "
                    + $"item), or add <EmbeddedResource Include=\"{modelPath}\" LogicalName=\"{OnnxModelPath.ResourcePrefix}{modelPath.Replace('\\', '/')}\" /> to the project; "
                    + "or construct the network from a stream or a file."
                : $"the assembly {assembly.GetName().Name} embeds several models that '{modelPath}' names: {string.Join(", ", found)}.");
        }

        // Files the model stores tensors in (ONNX external data) are the resources beside it: build/ConvGen.targets names
        // them as it names the model, ConvGen/<path in the project>.
        string folder = found[0][..(found[0].LastIndexOf('/') + 1)];
        using Stream stream = assembly.GetManifestResourceStream(found[0])!;
        try
        {
            return Read(stream, expected, location => assembly.GetManifestResourceStream(folder + location));
        }
        catch (OnnxExternalFileNotFoundException e)
        {
            string resource = folder + e.Location;
            throw new InvalidOperationException(
                $"the embedded model '{found[0]}' stores tensor '{e.Tensor}' as ONNX external data in '{e.Location}', but the assembly {assembly.GetName().Name} "
                + $"embeds no resource {resource}. Add the file to the project as an AdditionalFiles item in the model's folder (the ConvGen package's "
                + $"build/ConvGen.targets embeds those beside the model), or add <EmbeddedResource Include=\"{resource[OnnxModelPath.ResourcePrefix.Length..]}\" "
                + $"LogicalName=\"{resource}\" />; or construct the network with Load(path), which reads the files beside the model.",
                e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"the embedded model '{found[0]}' is not the one the network was compiled from: {e.Message}", e);
        }
    }

    /// <summary>Reads the ONNX model in <paramref name="path"/>, and the tensors it stores as ONNX external data from the
    /// files it names in its folder.</summary>
    /// <inheritdoc cref="Read(Stream, ReadOnlySpan{ValueTuple{string, long[]}})"/>
    /// <exception cref="FileNotFoundException">The model, or a file it stores tensors in, does not exist.</exception>
    public static NetworkWeights Read(string path, ReadOnlySpan<(string Name, long[] Shape)> expected)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        try
        {
            return Read(stream, expected, OnnxModel.FilesBeside(path));
        }
        catch (OnnxExternalFileNotFoundException e)
        {
            string missing = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, e.Location);
            throw new FileNotFoundException(
                $"the model {path} stores tensor '{e.Tensor}' as ONNX external data in '{e.Location}', and {missing} does not exist; keep the files an export writes together in one folder.",
                missing,
                e);
        }
    }

    /// <summary>Reads an ONNX model from <paramref name="onnx"/> (to its end) and checks it holds every tensor in
    /// <paramref name="expected"/>: as an initializer, a <c>Constant</c> node's value, or an <c>Identity</c> of one. A
    /// stream holds the model alone: a model that stores tensors as ONNX external data (in files beside it) is read with
    /// <see cref="Read(string, ReadOnlySpan{ValueTuple{string, long[]}})"/>.</summary>
    /// <param name="onnx">The model's bytes.</param>
    /// <param name="expected">Every tensor the network reads, with the shape it was compiled for.</param>
    /// <exception cref="ArgumentException">The bytes are not an ONNX model, or the first tensor that is missing, not float32
    /// or of another shape, named with the shape expected and the one found, or stored as external data.</exception>
    public static NetworkWeights Read(Stream onnx, ReadOnlySpan<(string Name, long[] Shape)> expected) => Read(onnx, expected, null);

    /// <summary>Reads the model and checks every expected tensor, then reads the values of those it stores as external
    /// data through <paramref name="openExternalFile"/> (null: the model came alone), so the weights are whole or an
    /// exception is thrown, before any layer is built.</summary>
    private static NetworkWeights Read(Stream onnx, ReadOnlySpan<(string Name, long[] Shape)> expected, Func<string, Stream?>? openExternalFile)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        OnnxModel model;
        try
        {
            model = OnnxModel.Parse(ReadAll(onnx), openExternalFile);
        }
        catch (Exception e) when (e is FormatException or OverflowException or IndexOutOfRangeException)
        {
            throw new ArgumentException($"not a valid ONNX model ({e.Message})", nameof(onnx), e);
        }

        Dictionary<string, OnnxTensor> tensors = model.NamedTensors();
        foreach ((string name, long[] shape) in expected)
        {
            if (!tensors.TryGetValue(name, out OnnxTensor? tensor))
            {
                throw new ArgumentException($"the model has no tensor '{name}' (expected shape [{string.Join(", ", shape)}]); it is not an export of the architecture this network was compiled from.", nameof(onnx));
            }

            if (tensor.DataType != OnnxTensor.FloatType)
            {
                throw new ArgumentException($"tensor '{name}' has ONNX data type {tensor.DataType}, expected float32 (1).", nameof(onnx));
            }

            if (!tensor.Dims.SequenceEqual(shape))
            {
                throw new ArgumentException($"tensor '{name}' has shape [{string.Join(", ", tensor.Dims)}], expected [{string.Join(", ", shape)}].", nameof(onnx));
            }
        }

        foreach ((string name, _) in expected)
        {
            OnnxTensor tensor = tensors[name];
            if (tensor.External is not { } external)
            {
                continue;
            }

            if (openExternalFile is null)
            {
                throw new ArgumentException(
                    $"tensor '{name}' is stored as ONNX external data in '{external.Location}', a file beside the model, which a stream does not carry; "
                    + "load the network from the model's path with Load(path), which reads the files beside it.",
                    nameof(onnx));
            }

            try
            {
                _ = tensor.Values; // read now, so a short or missing file fails here and not in the middle of building
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"not a valid ONNX model ({e.Message})", nameof(onnx), e);
            }
        }

        return new NetworkWeights(tensors);
    }

    /// <summary>The float32 values of the tensor <paramref name="name"/>, in row-major order.</summary>
    /// <exception cref="KeyNotFoundException">The network did not declare it (a generator bug, never a user's).</exception>
    public float[] Tensor(string name) => _tensors[name].Values;

    /// <summary>A convolution's weight and bias with the batch norm that follows it folded in (in float64, as
    /// <see cref="BatchNormFolding.Fold"/>): the tensors are the conv's weight and optional bias, and the batch norm's
    /// scale, B, mean and var with its epsilon.</summary>
    public (float[] Weight, float[] Bias) FoldBatchNorm(string weight, string? bias, string scale, string shift, string mean, string variance, double epsilon)
    {
        var batchNorm = new BatchNorm2d(Tensor(scale), Tensor(shift), Tensor(mean), Tensor(variance), epsilon);
        return BatchNormFolding.Fold(Tensor(weight), bias is null ? default : Tensor(bias), batchNorm);
    }

    /// <summary>A batch norm that folds into nothing, as y = x * scale[c] + shift[c] (computed in float64, rounded once).</summary>
    public (float[] Scale, float[] Shift) ScaleShift(string scale, string shift, string mean, string variance, double epsilon)
    {
        var batchNorm = new BatchNorm2d(Tensor(scale), Tensor(shift), Tensor(mean), Tensor(variance), epsilon);
        var scales = new float[batchNorm.NumFeatures];
        var shifts = new float[batchNorm.NumFeatures];
        for (int c = 0; c < scales.Length; c++)
        {
            (double s, double b) = batchNorm.Affinity(c);
            (scales[c], shifts[c]) = ((float)s, (float)b);
        }

        return (scales, shifts);
    }

    /// <summary>A dense layer's weight, packed as <see cref="Operators.Dense"/> runs it: Gemm's B with transB (already
    /// [out, in]) or MatMul's/Gemm's [in, out] transposed, times <paramref name="alpha"/> (in float64 unless it is 1).</summary>
    public float[] DenseWeight(string name, bool outerIsOutput, int outFeatures, int inFeatures, double alpha)
    {
        float[] b = Tensor(name);
        var weight = new float[outFeatures * inFeatures];
        for (int o = 0; o < outFeatures; o++)
        {
            for (int i = 0; i < inFeatures; i++)
            {
                float value = outerIsOutput ? b[(o * inFeatures) + i] : b[(i * outFeatures) + o];
                weight[(o * inFeatures) + i] = alpha == 1 ? value : (float)(alpha * value);
            }
        }

        return Operators.Dense.Pack(weight, outFeatures, inFeatures);
    }

    /// <summary>A dense layer's bias of <paramref name="count"/> values from a tensor of that many or of one value
    /// (broadcast), times <paramref name="beta"/> (in float64 unless it is 1).</summary>
    public float[] DenseBias(string name, int count, double beta)
    {
        float[] c = Tensor(name);
        var bias = new float[count];
        for (int o = 0; o < count; o++)
        {
            float value = c[c.Length == 1 ? 0 : o];
            bias[o] = beta == 1 ? value : (float)(beta * value);
        }

        return bias;
    }

    private static byte[] ReadAll(Stream stream)
    {
        if (stream.CanSeek)
        {
            var bytes = new byte[checked((int)(stream.Length - stream.Position))];
            stream.ReadExactly(bytes);
            return bytes;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
