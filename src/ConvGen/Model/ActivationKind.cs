namespace ConvGen.Generator.Model;

/// <summary>Mirror of the runtime's <c>ConvGen.Activation</c> (same names and values); the generator cannot
/// reference the runtime. The activation fused into a layer: y = activation(conv(x) + bias).</summary>
internal enum ActivationKind
{
    None = 0,
    ReLU = 1,
    ReLU6 = 2,
    Sigmoid = 3,
    Tanh = 4,
    SiLU = 5,
    GELU = 6,
}
