using System.Collections.Generic;
using ConvGen.Generator.Model;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// The spatial extents the kernel loops over. With a fixed input size they are compile-time
/// constants declared inside the kernel; otherwise they are the kernel's parameters.
/// </summary>
internal sealed class KernelGeometry
{
    private readonly List<string> _parameters = [];
    private readonly List<string> _constants = [];

    public KernelGeometry(ConvSpec spec)
    {
        if (spec.InputHeight is { } height)
        {
            _constants.Add($"const int paddedHeight = {height + spec.PadTop + spec.PadBottom};");
            _constants.Add($"const int outputHeight = {spec.Vertical.OutputSize(height)};");
        }
        else
        {
            _parameters.Add("paddedHeight");
            _parameters.Add("outputHeight");
        }

        if (spec.InputWidth is { } width)
        {
            long outputWidth = spec.Horizontal.OutputSize(width);
            _constants.Add($"const int outputWidth = {outputWidth};");
            _constants.Add("const int phaseWidth = (outputWidth > WidestVector ? outputWidth : WidestVector) + MaxTapShift;");
        }
        else
        {
            _parameters.Add("phaseWidth");
            _parameters.Add("outputWidth");
        }
    }

    /// <summary>Extra parameters of the kernel method, each <c>int</c>.</summary>
    public string Parameters => Join(", int ");

    /// <summary>The matching arguments at the call site.</summary>
    public string CallArguments => Join(", ");

    /// <summary>Declarations of the extents that are constants.</summary>
    public IReadOnlyList<string> Constants => _constants;

    private string Join(string separator) => _parameters.Count == 0 ? "" : separator + string.Join(separator, _parameters);
}
