using ConvGen;

namespace ConvGen.Samples.Digits;

/// <summary>
/// The same trained network, generated whole from data/model.onnx at compile time (an AdditionalFiles item in
/// Digits.csproj): three specialised convolution kernels with their ReLUs fused, specialised 2x2 max pools, the
/// linear layer and buffers planned ahead. Its weights are read at construction from the model, embedded in the
/// assembly by src/ConvGen.Runtime/build/ConvGen.targets (imported in Digits.csproj), so it needs no file at run time.
/// </summary>
[OnnxModel("data/model.onnx")]
public partial class DigitsNet;
