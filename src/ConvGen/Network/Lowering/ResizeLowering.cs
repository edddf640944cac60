using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>Resize and Upsample, nearest and linear (bilinear).</summary>
internal sealed partial class OnnxGraphLowering
{
    private void Resize(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = at.Rank(x, 3, "a 4-D input [N, C, H, W]");
        string mode = at.String("mode", "nearest");
        if (mode is not ("nearest" or "linear" or "bilinear"))
        {
            throw at.Unsupported($"has mode '{mode}'; 'nearest' and 'linear' are supported");
        }

        bool linear = mode != "nearest";

        bool upsample = at.Node.OpType == "Upsample";
        int opset = (int)_model.OpsetVersion;
        string transform = upsample || opset < 11 ? "asymmetric" : at.String("coordinate_transformation_mode", "half_pixel");
        string rounding = upsample || opset < 11 ? "floor" : at.String("nearest_mode", "round_prefer_floor");
        if (at.Int("antialias", 0) != 0 || at.String("keep_aspect_ratio_policy", "stretch") != "stretch" || at.Node.Attribute("axes") is not null)
        {
            throw at.Unsupported("uses antialias, axes or keep_aspect_ratio_policy");
        }

        if (transform is not ("half_pixel" or "pytorch_half_pixel" or "align_corners" or "asymmetric" or "tf_half_pixel_for_nn")
            || (linear && transform == "tf_half_pixel_for_nn"))
        {
            throw at.Unsupported($"has coordinate_transformation_mode '{transform}'");
        }

        if (rounding is not ("round_prefer_floor" or "round_prefer_ceil" or "floor" or "ceil"))
        {
            throw at.Unsupported($"has nearest_mode '{rounding}'");
        }

        // The scales (or sizes) of all four dimensions: an attribute (Upsample-7), input 1 (Upsample-9, Resize-10),
        // or input 2 / input 3 (Resize-11 and later).
        float[]? scales = null;
        long[]? sizes = null;
        if (upsample && opset < 9)
        {
            scales = [.. at.Floats("scales")];
        }
        else if (upsample || opset < 11)
        {
            scales = at.Constant(1, "scales").Values;
        }
        else
        {
            if (at.Node.Inputs.Count > 2 && at.Node.Inputs[2].Length > 0 && at.Constant(2, "scales").Values.Length > 0)
            {
                scales = at.Constant(2, "scales").Values;
            }
            else if (at.Node.Inputs.Count > 3 && at.Node.Inputs[3].Length > 0)
            {
                // Dimension 0 may be the run-time batch: torchvision's segmentation heads resize to Shape(x)[:2] + [H, W].
                sizes = at.IntegerConstant(3, "sizes", allowBatchFirst: true);
            }
        }

        int[] input = [0, shape[0], shape[1], shape[2]];
        var outputSize = new int[4];
        var scale = new double[4];
        for (int d = 1; d < 4; d++)
        {
            if (scales is not null)
            {
                if (scales.Length != 4)
                {
                    throw at.Unsupported($"has {scales.Length} scales; 4 (N, C, H, W) are needed");
                }

                scale[d] = scales[d];
                outputSize[d] = (int)Math.Floor(input[d] * (double)scales[d]);
            }
            else if (sizes is not null)
            {
                if (sizes.Length != 4)
                {
                    throw at.Unsupported($"has {sizes.Length} sizes; 4 (N, C, H, W) are needed");
                }

                outputSize[d] = (int)sizes[d];
                scale[d] = (double)sizes[d] / input[d];
            }
            else
            {
                throw Shape($"node '{at.Name}' ({at.Node.OpType}) has neither constant scales nor constant sizes");
            }
        }

        if ((scales is not null && (scales[0] != 1 || scales[1] != 1)) || (sizes is not null && sizes[1] != shape[0]))
        {
            throw at.Unsupported("resizes the batch or channel dimension");
        }

        if (sizes is not null && sizes[0] != UnknownBatch && DeclaredBatch() != sizes[0])
        {
            throw Shape($"node '{at.Name}' ({at.Node.OpType}) resizes to sizes [{string.Join(", ", sizes)}], which fix the batch to {sizes[0]}, but the input's batch is {(DeclaredBatch() is { } b ? b.ToString(CultureInfo.InvariantCulture) : "dynamic")}");
        }

        if (outputSize[2] < 1 || outputSize[3] < 1)
        {
            throw Shape($"node '{at.Name}' ({at.Node.OpType}) gives an empty output");
        }

        int y = AddValue(at.Node.Outputs[0], [shape[0], outputSize[2], outputSize[3]], null);
        if (linear)
        {
            var (rows, rowWeights) = LinearSources(shape[1], outputSize[2], scale[2], transform);
            var (columns, columnWeights) = LinearSources(shape[2], outputSize[3], scale[3], transform);
            AddStep(new LinearResizeStep(at.Name, x, y, shape[0], shape[1], shape[2],
                new EquatableArray<int>(rows), new EquatableArray<float>(rowWeights), new EquatableArray<int>(columns), new EquatableArray<float>(columnWeights)));
        }
        else
        {
            int[] rows = NearestSources(shape[1], outputSize[2], scale[2], transform, rounding);
            int[] columns = NearestSources(shape[2], outputSize[3], scale[3], transform, rounding);
            AddStep(new ResizeStep(at.Name, x, y, shape[0], shape[1], shape[2], new EquatableArray<int>(rows), new EquatableArray<int>(columns)));
        }
    }

    /// <summary>ONNX Resize's source coordinate of output index <paramref name="i"/> (float64, as the spec's formulas).</summary>
    private static double SourceCoordinate(int i, int inputSize, int outputSize, double scale, string transform) => transform switch
    {
        "half_pixel" => ((i + 0.5) / scale) - 0.5,
        "pytorch_half_pixel" => outputSize > 1 ? ((i + 0.5) / scale) - 0.5 : 0,
        "align_corners" => outputSize == 1 ? 0 : i * (inputSize - 1) / (double)(outputSize - 1),
        "tf_half_pixel_for_nn" => (i + 0.5) / scale,
        _ => i / scale,
    };

    /// <summary>
    /// Linear Resize's two source indices of each output index and their weights, as (near, far) pairs, the way ONNX
    /// Runtime computes them: the coordinate (in float32) clamped to [0, inputSize - 1], the near index its floor, the
    /// far one the next (clamped to the last), each weighted by the distance to the other; both 0.5 where they are one.
    /// </summary>
    internal static (int[] Sources, float[] Weights) LinearSources(int inputSize, int outputSize, double scale, string transform)
    {
        var sources = new int[2 * outputSize];
        var weights = new float[2 * outputSize];
        for (int i = 0; i < outputSize; i++)
        {
            float original = Math.Max(0f, Math.Min((float)SourceCoordinate(i, inputSize, outputSize, scale, transform), inputSize - 1));
            int near = Math.Min((int)original, inputSize - 1), far = Math.Min(near + 1, inputSize - 1);
            (sources[2 * i], sources[(2 * i) + 1]) = (near, far);
            (weights[2 * i], weights[(2 * i) + 1]) = near == far ? (0.5f, 0.5f) : (Math.Abs(original - far), Math.Abs(original - near));
        }

        return (sources, weights);
    }

    /// <summary>ONNX Resize's nearest-neighbour source index of each output index (float64, as the spec's formulas).</summary>
    internal static int[] NearestSources(int inputSize, int outputSize, double scale, string transform, string rounding)
    {
        var sources = new int[outputSize];
        for (int i = 0; i < outputSize; i++)
        {
            double original = SourceCoordinate(i, inputSize, outputSize, scale, transform);
            double nearest = rounding switch
            {
                "floor" => Math.Floor(original),
                "ceil" => Math.Ceiling(original),
                "round_prefer_ceil" => Math.Floor(original + 0.5),
                _ => original == Math.Floor(original) + 0.5 ? Math.Floor(original) : Math.Round(original, MidpointRounding.AwayFromZero),
            };
            sources[i] = (int)Math.Max(0, Math.Min(inputSize - 1, nearest));
        }

        return sources;
    }
}
