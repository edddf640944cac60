using System.Collections.Generic;
using ConvGen.Generator.Model;
using ConvGen.Generator.Planning;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// The extents the kernel loops over: output rows and columns, the scratch planes' row pitch and the
/// distance between planes. With a fixed input size they are compile-time constants declared inside
/// the kernel (so the JIT folds every offset); otherwise they are the kernel's parameters.
/// </summary>
internal sealed class KernelGeometry
{
    private static readonly string[] Names = ["outputHeight", "outputWidth", "planeWidth", "planeStride"];
    private readonly List<string> _constants = [];

    public KernelGeometry(ConvSpec layer, KernelPlan plan)
    {
        var spec = KernelPlanner.KernelSpec(layer, plan);
        if (ScratchSize.Planes(spec, plan) is not (_, var planeWidth, var planeStride))
        {
            return;
        }

        long outputHeight = spec.Vertical.OutputSize(spec.FixedInputHeight!.Value);
        long outputWidth = spec.Horizontal.OutputSize(spec.InputWidth!.Value);
        planeStride = plan.GathersTaps ? plan.GatheredRowStride : planeStride;
        if ((double)spec.InChannelsPerGroup * spec.StrideHeight * spec.StrideWidth * planeStride > int.MaxValue
            || (double)outputHeight * outputWidth > int.MaxValue)
        {
            return; // Too large to run anyway (Run reports it): no constant offset may overflow a 32-bit nint.
        }

        Fixed = ((int)outputHeight, (int)outputWidth, (int)planeWidth);
        long[] values = [outputHeight, outputWidth, planeWidth, planeStride];
        for (int i = 0; i < Names.Length; i++)
        {
            _constants.Add($"const int {Names[i]} = {values[i]};");
        }
    }

    /// <summary>The extents that are constants, if the input size is fixed.</summary>
    public (int OutputHeight, int OutputWidth, int PlaneWidth)? Fixed { get; }

    /// <summary>Extra parameters of the kernel method, each <c>int</c>.</summary>
    public string Parameters => _constants.Count == 0 ? ", int " + string.Join(", int ", Names) : "";

    /// <summary>The matching arguments at the call site.</summary>
    public string CallArguments => _constants.Count == 0 ? ", outputHeight, outputWidth, (int)planeWidth, (int)planeStride" : "";

    /// <summary>Declarations of the extents that are constants.</summary>
    public IReadOnlyList<string> Constants => _constants;

    /// <summary>The constant declarations a kernel needs: <c>planeStride</c> only where some offset uses it.</summary>
    public IEnumerable<string> ConstantsUsed(bool planeStride)
    {
        for (int i = 0; i < _constants.Count; i++)
        {
            if (planeStride || Names[i] != "planeStride")
            {
                yield return _constants[i];
            }
        }
    }
}
