using ConvGen.Generator.Model;

namespace ConvGen.Generator.Emitting;

/// <summary>
/// Writes a layer's fused activation, y = activation(conv(x) + bias). ReLU and ReLU6 are one or two vector
/// operations on the finished accumulator, so the kernel applies them in registers (<see cref="InRegister"/>);
/// the transcendental ones (Sigmoid, Tanh, SiLU, GELU) run over each finished output slice with the runtime's
/// vectorised <c>ConvGen.Activations.Apply</c> (<see cref="AfterKernel"/>), so both paths share PyTorch's semantics.
/// </summary>
internal static class ActivationEmitter
{
    /// <summary>Whether <paramref name="activation"/> is cheap enough to apply on the accumulator before the store.</summary>
    internal static bool IsInRegister(ActivationKind activation) => activation is ActivationKind.ReLU or ActivationKind.ReLU6;

    /// <summary>
    /// The expression the kernel stores instead of the accumulator <paramref name="sum"/>: max(sum, 0) for ReLU,
    /// min(max(sum, 0), 6) for ReLU6 (Max/Min propagate NaN, as torch.relu and hardtanh do), and
    /// <paramref name="sum"/> unchanged for no activation and for those applied after the kernel.
    /// </summary>
    internal static string InRegister(VectorType vector, ConvSpec spec, string sum) => spec.Activation switch
    {
        ActivationKind.ReLU => $"{vector.Api}.Max({sum}, {vector.Zero})",
        ActivationKind.ReLU6 => $"{vector.Api}.Min({vector.Api}.Max({sum}, {vector.Zero}), {vector.Broadcast("6f")})",
        _ => sum,
    };

    /// <summary>
    /// Writes the call that applies the activation to <paramref name="outputSpan"/> (the slice the kernel has just
    /// finished) when the kernel does not apply it in registers; writes nothing otherwise.
    /// </summary>
    internal static void AfterKernel(SourceWriter writer, ConvSpec spec, string outputSpan)
    {
        if (spec.Activation == ActivationKind.None || IsInRegister(spec.Activation))
        {
            return;
        }

        writer.Line($"// Fused {spec.Activation}: applied to the outputs the kernel has just written, while they are still in cache.");
        writer.Line($"global::ConvGen.Activations.Apply(global::ConvGen.Activation.{spec.Activation}, {outputSpan});");
    }

    /// <summary>PyTorch's formula of the activation, for the generated documentation.</summary>
    internal static string Formula(ActivationKind activation) => activation switch
    {
        ActivationKind.ReLU => "max(x, 0)",
        ActivationKind.ReLU6 => "min(max(x, 0), 6)",
        ActivationKind.Sigmoid => "1 / (1 + exp(-x))",
        ActivationKind.Tanh => "tanh(x)",
        ActivationKind.SiLU => "x * sigmoid(x)",
        ActivationKind.GELU => "x * Phi(x) (exact, with erf)",
        _ => "x",
    };
}
