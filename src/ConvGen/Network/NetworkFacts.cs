using System.Collections.Generic;
using System.Linq;
using ConvGen.Generator.Emitting;

namespace ConvGen.Generator.Network;

/// <summary>
/// The lines of a generated network's summary that say what it costs per sample (what hovering the class shows): the
/// multiply-adds of its convolutions (each step's <see cref="Model.ConvSpec.MultiplyAdds"/>, the products that land in the
/// output for a transposed one) and dense layers, its parameters, and the intermediate buffers <see cref="BufferPlanner"/> planned.
/// </summary>
internal static class NetworkFacts
{
    public static IEnumerable<string> Lines(NetworkGraph graph, BufferPlan plan)
    {
        var (convolutions, dense) = MultiplyAdds(graph);
        yield return convolutions + dense == 0
            ? "Multiply-adds per sample: none (no convolution or dense layer)."
            : $"Multiply-adds per sample: {Quantity.Count(convolutions + dense)} ({Quantity.Count(convolutions)} in convolutions, {Quantity.Count(dense)} in dense layers).";
        int buffers = plan.BufferSizes.Length;
        yield return $"Parameters: {Quantity.Count(graph.ParameterCount)}, {Quantity.FloatBytes(graph.ParameterCount)} as float32; intermediate buffers per sample: " +
            (buffers == 0 ? "none." : $"{Quantity.FloatBytes(plan.BufferSizes.Sum(size => (long)size))} in {buffers} buffer{(buffers == 1 ? "" : "s")} shared by liveness.");
    }

    /// <summary>The multiply-adds per sample of the network's convolutions and of its dense layers.</summary>
    public static (long Convolutions, long Dense) MultiplyAdds(NetworkGraph graph) =>
        (graph.Steps.Sum(step => step switch
        {
            ConvStep conv => conv.Spec.MultiplyAdds!.Value,
            ConvTransposeStep transposed => transposed.Spec.MultiplyAdds!.Value,
            _ => 0,
        }), graph.Steps.OfType<DenseStep>().Sum(step => (long)step.Rows * step.InFeatures * step.OutFeatures));
}
