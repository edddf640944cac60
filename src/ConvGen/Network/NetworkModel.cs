using ConvGen.Generator.Model;

namespace ConvGen.Generator.Network;

/// <summary>
/// One [OnnxModel] class as the pipeline sees it before the file is read: the class to generate into, the
/// file name the attribute gives and where the attribute's argument is (for diagnostics). Equatable.
/// </summary>
internal sealed record OnnxModelRequest(TargetType? Target, string? FileName, LocationInfo? ArgumentLocation, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// An .onnx AdditionalFiles item after reading: its path and either the compiled network or the problems that
/// stop it (diagnostics without a location; the attribute that names the file supplies one). Equatable, so an
/// unchanged file keeps everything downstream cached.
/// </summary>
internal sealed record OnnxFile(string Path, NetworkGraph? Graph, EquatableArray<DiagnosticInfo> Problems);

/// <summary>What the pipeline learns about one [OnnxModel] class: the network to emit (null when anything is
/// wrong) and the diagnostics to report.</summary>
internal sealed record NetworkModel(NetworkSource? Source, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Everything the emitter needs (no locations): the class, the model's name as the attribute gives it (the
/// network finds its embedded weights by it at run time) and the network.</summary>
internal sealed record NetworkSource(TargetType Target, string ModelPath, NetworkGraph Graph);

/// <summary>
/// A whole ONNX graph lowered to the steps ConvGen runs: batch norms and activations folded into the convolutions
/// they follow, every shape resolved (the batch, dimension 0, stays a run-time value). Weights are referred to by
/// the names of the model's tensors (<see cref="Tensors"/>), read from the model at run time: the graph holds no
/// weight values, so another export of the same architecture compiles to the same network.
/// Values are numbered; value 0 is the graph input. Each graph output is a value of its own memory (no two outputs
/// share it, none is the input), which <c>Forward</c> writes into the caller's span.
/// </summary>
internal sealed record NetworkGraph(
    string FileName,
    long Opset,
    string InputName,
    EquatableArray<NetworkValue> Values,
    EquatableArray<NetworkStep> Steps,
    EquatableArray<NetworkOutput> Outputs,
    long ParameterCount,
    EquatableArray<WeightTensor> Tensors)
{
    public NetworkValue Input => Values[0];

    /// <summary>The value of output <paramref name="index"/>.</summary>
    public NetworkValue Output(int index) => Values[Outputs[index].Value];

    /// <summary>Whether the graph has one output (the network is then an <c>ILayer</c>).</summary>
    public bool SingleOutput => Outputs.Count == 1;
}

/// <summary>A graph output: its ONNX name, the value that holds it and the C# name of its members
/// (<see cref="Identifier"/> + <c>Size</c>/<c>Shape</c>; <see cref="Parameter"/> is its span in <c>Forward</c>).</summary>
internal sealed record NetworkOutput(string OnnxName, int Value, string Identifier, string Parameter);

/// <summary>A tensor of the graph: ONNX name, shape of one sample (without the batch dimension) and, for a
/// reshape/flatten/identity, the value whose memory it shares.</summary>
internal sealed record NetworkValue(string Name, EquatableArray<int> Shape, int? AliasOf)
{
    public int SampleSize
    {
        get
        {
            int size = 1;
            foreach (int dim in Shape)
            {
                size *= dim;
            }

            return size;
        }
    }

    public string ShapeText => "[N, " + string.Join(", ", Shape) + "]";
}

/// <summary>A float32 tensor of the model that the network reads at construction (an initializer, a Constant node's
/// value or an Identity of one), with the shape it was compiled for.</summary>
internal sealed record WeightTensor(string Name, EquatableArray<long> Shape);

/// <summary>The batch norm tensors (scale, B, mean, var) and epsilon of a BatchNormalization node.</summary>
internal sealed record BatchNormTensors(string Scale, string Shift, string Mean, string Variance, float Epsilon);

/// <summary>One step of the lowered graph: reads <see cref="Inputs"/> (value numbers), writes <see cref="Output"/>.
/// <see cref="Node"/> names the ONNX node(s) it came from, for comments.</summary>
internal abstract record NetworkStep(string Node, EquatableArray<int> Inputs, int Output)
{
    /// <summary>Whether the step reads each input element only at the index it writes, so it may write in place.</summary>
    public virtual bool IsElementwise => false;
}

/// <summary>A convolution (with any batch norm folded in and a fused activation) run by an instance (the network's field
/// <paramref name="Field"/>) of a nested generated layer (<paramref name="ClassName"/>, shared by every step of the same
/// spec): its weight and optional bias tensors, and the batch norm folded into them at construction, if any.</summary>
internal sealed record ConvStep(string Node, int Input, int Output, string Field, string ClassName, ConvSpec Spec, string Weight, string? Bias, BatchNormTensors? BatchNorm)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);

/// <summary>A transposed convolution run by a nested generated [ConvTranspose2d] layer (a 1-D one with height 1), with
/// its weight ([in, out/groups, kh, kw]) and optional bias tensors.</summary>
internal sealed record ConvTransposeStep(string Node, int Input, int Output, string Field, string ClassName, TransposedConvSpec Spec, string Weight, string? Bias)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);

/// <summary>The element-wise functions a step can apply on its own.</summary>
internal enum ElementwiseKind
{
    Relu,
    Clip,
    Sigmoid,
    SiLU, // x * sigmoid(x): ONNX's Sigmoid and Mul of the same x
    Tanh,
    LeakyRelu,
    Elu,
    HardSigmoid,
    HardSwish,
    Softplus,
    Neg,
    Abs,
    Exp,
    Sqrt,
    Reciprocal,
    Erf,
    Gelu,
}

/// <summary>An activation not fused into a convolution: y = f(x) element by element, <see cref="Alpha"/> and
/// <see cref="Beta"/> being the operator's parameters (Clip's min and max, LeakyRelu's slope, Gelu's tanh
/// approximation as 1, ...).</summary>
internal sealed record ActivationStep(string Node, int Input, int Output, ElementwiseKind Kind, float Alpha, float Beta)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output)
{
    public override bool IsElementwise => true;
}

/// <summary>Add, Sub, Mul or Div of two tensors of the same shape.</summary>
internal sealed record BinaryStep(string Node, int Left, int Right, int Output, string Operator)
    : NetworkStep(Node, new EquatableArray<int>([Left, Right]), Output)
{
    public override bool IsElementwise => true;
}

/// <summary>A batch normalization not folded into a convolution: y = x * scale[c] + shift[c] over each plane, the scale
/// and shift computed from its tensors at construction.</summary>
internal sealed record ScaleShiftStep(string Node, int Input, int Output, int Channels, int PlaneSize, BatchNormTensors Tensors)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output)
{
    public override bool IsElementwise => true;
}

/// <summary>A max or average pool over each plane, with every size a constant. Padding at the bottom/right also
/// covers ceil_mode's partial windows.</summary>
internal sealed record PoolStep(
    string Node, int Input, int Output, bool IsMax, int Channels, int Height, int Width, int OutputHeight, int OutputWidth,
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PadTop, int PadLeft, int PadBottom, int PadRight,
    int DilationHeight, int DilationWidth, bool CountIncludePad)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);

/// <summary>GlobalAveragePool / GlobalMaxPool: one value per plane.</summary>
internal sealed record GlobalPoolStep(string Node, int Input, int Output, bool IsMax, int Channels, int PlaneSize)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);

/// <summary>Gemm / MatMul with constant weights: y[r, m] = dot(x[r, :], weight[m, :]) + bias[m] for each of <see cref="Rows"/>
/// rows of <see cref="InFeatures"/> values per sample (1 for Gemm; a MatMul of [N, .., K] has one per position). The weight tensor is
/// [out, in] when <see cref="WeightIsOutByIn"/> (Gemm's transB) and [in, out] otherwise; <see cref="Alpha"/> and
/// <see cref="Beta"/> scale weight and bias (a bias tensor of one value is broadcast), folded in at construction.</summary>
internal sealed record DenseStep(string Node, int Input, int Output, int Rows, int InFeatures, int OutFeatures, string Weight, bool WeightIsOutByIn, float Alpha, string? Bias, float Beta)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);

/// <summary>Nearest-neighbour Resize/Upsample: the source row and column of every output row and column,
/// computed at generation time with ONNX's coordinate transformation and rounding.</summary>
internal sealed record ResizeStep(string Node, int Input, int Output, int Channels, int Height, int Width, EquatableArray<int> SourceRows, EquatableArray<int> SourceColumns)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);

/// <summary>Linear (bilinear) Resize/Upsample: per output row its two source rows and their weights, (top, bottom) pairs,
/// and per output column its two source columns and weights, computed at generation time as ONNX Runtime does.</summary>
internal sealed record LinearResizeStep(
    string Node, int Input, int Output, int Channels, int Height, int Width,
    EquatableArray<int> Rows, EquatableArray<float> RowWeights, EquatableArray<int> Columns, EquatableArray<float> ColumnWeights)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);

/// <summary>LayerNormalization over <see cref="Rows"/> runs of <see cref="Length"/> values per sample: each run to mean 0 and
/// variance 1 (<see cref="Epsilon"/> added to the variance), times the tensor <see cref="Scale"/>, plus <see cref="Bias"/>
/// if there is one (both of the run's shape, read at construction).</summary>
internal sealed record LayerNormStep(string Node, int Input, int Output, int Rows, int Length, string Scale, string? Bias, float Epsilon)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output)
{
    public override bool IsElementwise => true;
}

/// <summary>Softmax (or LogSoftmax) over runs of <see cref="Length"/> values <see cref="Stride"/> apart,
/// <see cref="Groups"/> runs per sample.</summary>
internal sealed record SoftmaxStep(string Node, int Input, int Output, int Groups, int Length, int Stride, bool Log)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);

/// <summary>A graph output whose memory is the graph input's or an earlier output's (the same tensor or a reshape of
/// it): copied. <see cref="NetworkStep.Node"/> says which.</summary>
internal sealed record CopyStep(string Node, int Input, int Output)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);

/// <summary>Concat of computed tensors along a non-batch axis: for each of batch x <see cref="Outer"/> blocks,
/// input i contributes <see cref="Sizes"/>[i] contiguous values (its extent along the axis times the dimensions
/// after it), placed one after the other (a copy; the runtime's <c>Concat.Part</c> per input).</summary>
internal sealed record ConcatStep(string Node, EquatableArray<int> Parts, int Output, int Axis, int Outer, EquatableArray<int> Sizes)
    : NetworkStep(Node, Parts, Output);

/// <summary>
/// A binary operator (the runtime's <c>BinaryOperator</c> name) under numpy broadcasting, run by the runtime's
/// <c>Broadcast.Run</c>: <see cref="Left"/> and <see cref="Right"/> are value numbers, or -1 for the constant operand
/// <see cref="Constant"/> (emitted as a literal). <see cref="Dims"/> are the output's sample dimensions with
/// neighbours of the same broadcast pattern merged, the strides each operand's step along them (0 where it repeats).
/// Element-wise (may write in place) only when every computed operand has the output's shape.
/// </summary>
internal sealed record BroadcastStep(
    string Node, EquatableArray<int> Operands, int Output, string Operator, int Left, int Right, EquatableArray<float> Constant,
    int BatchStrideLeft, int BatchStrideRight, EquatableArray<int> Dims, EquatableArray<int> StridesLeft, EquatableArray<int> StridesRight,
    bool Elementwise)
    : NetworkStep(Node, Operands, Output)
{
    public override bool IsElementwise => Elementwise;
}

/// <summary>ReduceSum/Mean/Max/Min (the runtime's <c>ReduceKind</c> name) over the merged sample dimensions
/// <see cref="Dims"/> whose bit is set in <see cref="ReducedMask"/>; the batch is kept.</summary>
internal sealed record ReduceStep(string Node, int Input, int Output, string Kind, EquatableArray<int> Dims, int ReducedMask)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);

/// <summary>A strided view of the input copied to contiguous memory (Transpose, Slice, Split): output element
/// [n, i0, .., ik] is input element Offset + n * BatchStride + Σ i_d * Strides[d] (the runtime's <c>Strided.Copy</c>).
/// <see cref="What"/> says what it computes, for the comment.</summary>
internal sealed record StridedStep(string Node, int Input, int Output, string What, int BatchStride, int Offset, EquatableArray<int> Dims, EquatableArray<int> Strides)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);

/// <summary>Pad of a computed tensor (the runtime's <c>PadMode</c> name in <see cref="Mode"/>): the input's sample
/// dimensions <see cref="Dims"/> grow by <see cref="Before"/> and <see cref="After"/>; the batch is not padded.</summary>
internal sealed record PadStep(string Node, int Input, int Output, string Mode, float Value, EquatableArray<int> Dims, EquatableArray<int> Before, EquatableArray<int> After)
    : NetworkStep(Node, new EquatableArray<int>([Input]), Output);
