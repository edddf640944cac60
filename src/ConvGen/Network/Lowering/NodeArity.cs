using System.Collections.Generic;

namespace ConvGen.Generator.Network;

/// <summary>How many inputs each supported operator takes, checked before a node is lowered, so a damaged or
/// hand-written graph is a diagnostic naming the node rather than an index past the end of its input list.</summary>
internal sealed partial class OnnxGraphLowering
{
    // The inputs ONNX defines for each operator (optional ones included), narrowed where [OnnxModel] compiles fewer
    // (variadic Max/Min/Concat aside, binary operators with exactly two).
    private static readonly Dictionary<string, (int Min, int Max)> InputCounts = new()
    {
        ["Conv"] = (2, 3), ["ConvTranspose"] = (2, 3), ["BatchNormalization"] = (5, 5), ["Clip"] = (1, 3),
        ["Add"] = (2, 2), ["Sub"] = (2, 2), ["Mul"] = (2, 2), ["Div"] = (2, 2), ["Pow"] = (2, 2), ["Max"] = (2, 2), ["Min"] = (2, 2),
        ["Reshape"] = (1, 2), ["Squeeze"] = (1, 2), ["Unsqueeze"] = (1, 2), ["Dropout"] = (1, 3), ["Gemm"] = (2, 3),
        ["MatMul"] = (2, 2), ["Upsample"] = (1, 2), ["Resize"] = (1, 4), ["Constant"] = (0, 0), ["Concat"] = (1, int.MaxValue),
        ["ReduceMean"] = (1, 2), ["ReduceMax"] = (1, 2), ["ReduceMin"] = (1, 2), ["ReduceSum"] = (1, 2), ["Slice"] = (1, 5),
        ["Split"] = (1, 2), ["Gather"] = (2, 2), ["Pad"] = (1, 4), ["LayerNormalization"] = (2, 3),
    };

    /// <summary>Rejects a node whose input count its operator does not take (every other supported operator takes one
    /// input), whose first input is missing, or that has no output.</summary>
    private static void CheckArity(NodeContext at)
    {
        var (min, max) = InputCounts.TryGetValue(at.Node.OpType, out var counts) ? counts : (1, 1);
        int inputs = at.Node.Inputs.Count;
        if (inputs < min || inputs > max)
        {
            string takes = min == max ? min.ToString() : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
            throw at.Unsupported($"has {inputs} input{(inputs == 1 ? "" : "s")}; {at.Node.OpType} takes {takes}");
        }

        if (min > 0 && at.Node.Inputs[0].Length == 0)
        {
            throw at.Unsupported("has no first input (its name is empty)");
        }

        if (at.Node.Outputs.Count == 0 || at.Node.Outputs[0].Length == 0)
        {
            throw at.Unsupported("has no output");
        }
    }
}
