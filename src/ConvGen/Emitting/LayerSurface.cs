namespace ConvGen.Generator.Emitting;

/// <summary>What a generated convolution offers besides its kernel.</summary>
internal enum LayerSurface
{
    /// <summary>An attributed layer: PyTorch initialisation, output-size arithmetic, checked <c>Forward</c> overloads,
    /// <c>ILayer</c> and <c>IParameterized</c>.</summary>
    Public,

    /// <summary>A step of a generated network, nested in it: the trained-weight constructor and one <c>Forward</c> for the
    /// only input size the network gives it, nothing the network does not call (less code to compile per build).</summary>
    NetworkStep,
}
