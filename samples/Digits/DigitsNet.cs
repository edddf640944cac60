using ConvGen;

namespace ConvGen.Samples.Digits;

/// <summary>
/// The same trained network, generated whole from data/model.onnx at compile time (an AdditionalFiles item in
/// Digits.csproj): three specialised convolution kernels with their ReLUs fused, specialised 2x2 max pools, the
/// linear layer, buffers planned ahead and the weights embedded, so it needs no file at run time.
/// </summary>
[OnnxModel("data/model.onnx")]
public partial class DigitsNet;
