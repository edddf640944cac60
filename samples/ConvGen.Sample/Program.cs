using System;
using System.Diagnostics;
using System.Numerics.Tensors;
using ConvGen;
using ConvGen.Sample;

// Builds a small stack of generated layers, runs an image and a signal through it, checks the
// stem against the float64 reference convolution, and times each layer's allocation-free Forward.
var random = new Random(42);
var stem = new Stem(random);
var stack = new (string Name, ILayer Layer)[]
{
    ("Stem", stem),
    ("DepthwiseDown", new DepthwiseDown(random)),
    ("Pointwise", new Pointwise(random)),
    ("Context", new Context(random)),
};

var image = RandomTensor(random, [1, Stem.InChannels, 224, 224]);
Console.WriteLine($"ConvGen sample: {stack.Length} generated Conv2d layers and one Conv1d, input {LayerShapes.Format(image.Lengths)}");
Console.WriteLine();
Console.WriteLine($"{"layer",-14} {"output shape",-20} {"params",10} {"ms (1 thread)",14} {"GFLOP/s",9}");
var x = image;
foreach (var (name, layer) in stack)
{
    var y = layer.Forward(x);
    double ms = TimeForward(layer, x, y);
    double flops = 2.0 * y.FlattenedLength * FanIn(layer);
    Console.WriteLine($"{name,-14} {LayerShapes.Format(y.Lengths),-20} {layer.ParameterCount,10:N0} {ms,14:F3} {flops / ms / 1e6,9:F1}");
    x = y;
}

var signal = RandomTensor(random, [4, FilterBank.InChannels, 16000]);
var bank = new FilterBank(random);
var spectrum = bank.Forward(signal);
double bankMs = TimeForward(bank, signal, spectrum);
Console.WriteLine($"{"FilterBank",-14} {LayerShapes.Format(spectrum.Lengths),-20} {FilterBank.ParameterCount,10:N0} {bankMs,12:F3}");

// The stem against the independent float64 reference, with its own weights.
var weight = new float[Stem.WeightLength];
var bias = new float[Stem.OutChannels];
for (int i = 0; i < weight.Length; i++)
{
    weight[i] = (float)(random.NextDouble() - 0.5);
}

var checkedStem = new Stem(weight, bias);
var actual = checkedStem.Forward(image);
var expected = new double[actual.FlattenedLength];
var geometry = new ConvGeometry(Stem.InChannels, Stem.OutChannels, Stem.KernelHeight, Stem.KernelWidth,
    PadTop: Stem.PadTop, PadBottom: Stem.PadBottom, PadLeft: Stem.PadLeft, PadRight: Stem.PadRight);
ReferenceConvolution.Conv2d(geometry, LayerTensors.Contiguous(image), 1, 224, 224, weight, bias, expected);
double maxError = 0;
var values = LayerTensors.Contiguous(actual);
for (int i = 0; i < expected.Length; i++)
{
    maxError = Math.Max(maxError, Math.Abs(values[i] - expected[i]));
}

Console.WriteLine();
Console.WriteLine($"Stem vs float64 reference: max |error| = {maxError:E2} over {expected.Length:N0} outputs");
return maxError < 1e-4 ? 0 : 1;

static Tensor<float> RandomTensor(Random random, nint[] shape)
{
    var values = new float[LayerShapes.ElementCount(shape)];
    for (int i = 0; i < values.Length; i++)
    {
        values[i] = (float)((random.NextDouble() * 2) - 1);
    }

    return Tensor.Create(values, shape);
}

// Median time of the span Forward (no allocation) on one thread, after a warm-up.
static double TimeForward(ILayer layer, Tensor<float> input, Tensor<float> output)
{
    var source = LayerTensors.Contiguous(input).ToArray();
    var target = new float[output.FlattenedLength];
    var times = new double[15];
    layer.Forward(source, input.Lengths, target);
    for (int i = 0; i < times.Length; i++)
    {
        long start = Stopwatch.GetTimestamp();
        layer.Forward(source, input.Lengths, target, degreeOfParallelism: 1);
        times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    Array.Sort(times);
    return times[times.Length / 2];
}

// Multiply-adds per output value: (in / groups) * kh * kw.
static double FanIn(ILayer layer) => layer switch
{
    Stem => Stem.WeightLength / Stem.OutChannels,
    DepthwiseDown => DepthwiseDown.WeightLength / DepthwiseDown.OutChannels,
    Pointwise => Pointwise.WeightLength / Pointwise.OutChannels,
    Context => Context.WeightLength / Context.OutChannels,
    _ => double.NaN,
};
