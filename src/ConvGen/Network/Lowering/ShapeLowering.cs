using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ConvGen.Generator.Model;
using ConvGen.Generator.Onnx;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Network;

/// <summary>Shape-only operators (Flatten, Reshape, Squeeze, Unsqueeze, Identity): aliases of their input.</summary>
internal sealed partial class OnnxGraphLowering
{
    private void Flatten(NodeContext at)
    {
        // Flatten's output is 2-D [d0 * ... * d(axis-1), rest]: only axis 1 keeps the batch as dimension 0.
        int x = at.Input(0);
        int rank = _values[x].Shape.Count + 1;
        long axis = at.Int("axis", 1);
        if ((axis < 0 ? axis + rank : axis) != 1)
        {
            throw at.Unsupported($"has axis {axis}, which merges the batch dimension with others (only axis 1 keeps the batch)");
        }

        Alias(at, x, [_values[x].SampleSize]);
    }

    private void Reshape(NodeContext at)
    {
        int x = at.Input(0);
        int[] shape = _values[x].Shape.ToArray();
        long[] target = _model.OpsetVersion < 5 ? at.Ints("shape", null) : at.IntegerConstant(1, "shape", allowBatchFirst: true);
        bool allowZero = at.Int("allowzero", 0) != 0;
        if (target.Length == 0)
        {
            throw at.Unsupported("reshapes to a scalar, which drops the batch dimension");
        }

        // Dimension 0 is the batch: it must stay where it is (0 copies it, -1 infers it, or the model's fixed batch).
        long batchTarget = target[0];
        long? declaredBatch = DeclaredBatch();
        // UnknownBatch: the batch read by a folded Shape (x.view(x.size(0), -1)).
        bool keepsBatch = (batchTarget == 0 && !allowZero) || batchTarget == -1 || batchTarget == UnknownBatch || (declaredBatch is { } fixedBatch && batchTarget == fixedBatch);
        if (!keepsBatch)
        {
            throw Shape($"node '{at.Name}' (Reshape) reshapes to [{string.Join(", ", target)}], whose first dimension {batchTarget} is not the batch; [OnnxModel] needs the batch to stay dimension 0 (use 0 or -1 there)");
        }

        int sampleSize = _values[x].SampleSize;
        var result = new int[target.Length - 1];
        int inferred = -1;
        long known = 1;
        for (int d = 1; d < target.Length; d++)
        {
            long dim = target[d];
            if (dim == 0 && !allowZero)
            {
                if (d - 1 >= shape.Length)
                {
                    throw at.Unsupported($"copies dimension {d} (0 in the shape), which the input [N, {string.Join(", ", shape)}] does not have");
                }

                dim = shape[d - 1];
            }

            if (dim == -1)
            {
                if (inferred >= 0 || batchTarget == -1)
                {
                    throw at.Unsupported("has more than one -1 in its shape");
                }

                inferred = d - 1;
                continue;
            }

            if (dim <= 0)
            {
                throw at.Unsupported($"has the dimension {dim} in its shape");
            }

            result[d - 1] = (int)dim;
            known *= dim;
        }

        if (inferred >= 0)
        {
            if (sampleSize % known != 0)
            {
                throw Shape($"node '{at.Name}' (Reshape) cannot reshape {_values[x].ShapeText} to [{string.Join(", ", target)}]");
            }

            result[inferred] = (int)(sampleSize / known);
            known *= result[inferred];
        }

        if (known != sampleSize)
        {
            throw Shape($"node '{at.Name}' (Reshape) reshapes {_values[x].ShapeText} ({sampleSize} values per sample) to [{string.Join(", ", target)}] ({known} per sample)");
        }

        Alias(at, x, result);
    }

    private void Squeeze(NodeContext at)
    {
        int x = at.Input(0);
        var shape = _values[x].Shape.ToList();
        int rank = shape.Count + 1;
        bool squeeze = at.Node.OpType == "Squeeze";
        long[] axes = _model.OpsetVersion >= 13
            ? at.Node.Inputs.Count > 1 && at.Node.Inputs[1].Length > 0 ? at.IntegerConstant(1, "axes") : []
            : at.Ints("axes", []);
        if (axes.Length == 0)
        {
            if (!squeeze)
            {
                throw at.Unsupported("has no axes");
            }

            Alias(at, x, [.. shape.Where(d => d != 1)]);
            return;
        }

        int outputRank = squeeze ? rank : rank + axes.Length;
        var normalised = axes.Select(a => a < 0 ? a + outputRank : a).OrderBy(a => a).ToList();
        if (normalised.Any(a => a <= 0 || a >= outputRank))
        {
            throw at.Unsupported($"has axes [{string.Join(", ", axes)}], which touch the batch dimension or are out of range");
        }

        if (squeeze)
        {
            for (int i = normalised.Count - 1; i >= 0; i--)
            {
                int d = (int)normalised[i] - 1;
                if (shape[d] != 1)
                {
                    throw at.Unsupported($"squeezes axis {normalised[i]} of size {shape[d]}");
                }

                shape.RemoveAt(d);
            }
        }
        else
        {
            foreach (long a in normalised)
            {
                shape.Insert((int)a - 1, 1);
            }
        }

        Alias(at, x, [.. shape]);
    }

    private void Alias(NodeContext at, int x, int[] shape)
    {
        AddValue(at.Node.Outputs[0], shape, x);
    }
}
