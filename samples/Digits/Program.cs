using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using ConvGen;
using ConvGen.Onnx;
using ConvGen.Samples.Digits;
using Microsoft.ML.OnnxRuntime;

// Runs train.py's digits CNN on its held-out images twice: as a Sequential of generated convolutions and the
// runtime's layers with the weights read from model.onnx, and as DigitsNet, the whole network generated from
// model.onnx at compile time by [OnnxModel]; checks both against PyTorch's accuracy and logits and times them
// against ONNX Runtime on the same model, on one and on two threads.
// Usage: Digits [data folder (default: data/ beside the program)]
string data = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data");
string modelPath = Path.Combine(data, "model.onnx");
using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(data, "meta.json")));
int torchCorrect = meta.RootElement.GetProperty("torch_correct").GetInt32();

byte[] images = File.ReadAllBytes(Path.Combine(data, "test_images.u8"));
byte[] labels = File.ReadAllBytes(Path.Combine(data, "test_labels.u8"));
float[] torchLogits = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(data, "torch_logits.f32"))).ToArray();
int count = labels.Length;
if (images.Length != count * 64 || torchLogits.Length != count * 10)
{
    Console.Error.WriteLine($"inconsistent data in {data}: {count} labels, {images.Length} image bytes, {torchLogits.Length} logits");
    return 2;
}

float[] input = Preprocess(images, count);

// The network, layer by layer as train.py's forward(); parameter names follow the PyTorch module.
var model = OnnxModel.Load(modelPath);
var net = new Sequential(
[
    ("conv1", new Conv1()),
    ("pool1", new MaxPool2d(2)),
    ("conv2", new Conv2()),
    ("pool2", new MaxPool2d(2)),
    ("conv3", new Conv3()),
    ("pool3", new MaxPool2d(2)),
    ("flatten", new Flatten()),
    ("fc", new Linear(128, 10)),
]);
// Loads every parameter the Sequential exposes by name (conv1.weight ... fc.bias), checking each shape.
int loaded = OnnxWeights.Load(model, net);

nint[] batchShape = [count, 1, 16, 16];
Console.WriteLine($"digits CNN from {Path.GetFileName(modelPath)}: {net.ParameterCount:N0} parameters ({loaded} tensors loaded by name), {count} held-out images");
Console.WriteLine(net.Summary([1, 1, 16, 16]));

var logits = new float[count * 10];
net.Forward(input, batchShape, logits);
var (correct, agree, maxDifference) = CompareWithPyTorch(logits, labels, torchLogits);

Console.WriteLine($"ConvGen accuracy {correct}/{count} = {100.0 * correct / count:F2}%  (PyTorch: {torchCorrect}/{count}), same prediction as PyTorch on {agree}/{count}");
Console.WriteLine($"max |logit - PyTorch's| = {maxDifference:0.00E+00}");

// The same network generated whole from model.onnx at compile time by [OnnxModel] (DigitsNet.cs): its weights come from
// the model embedded in this assembly, no file read here.
var generated = new DigitsNet();
var generatedLogits = new float[count * 10];
generated.Forward(input, generatedLogits, count);
var (generatedCorrect, generatedAgree, generatedDifference) = CompareWithPyTorch(generatedLogits, labels, torchLogits);

Console.WriteLine($"[OnnxModel] DigitsNet accuracy {generatedCorrect}/{count}, same prediction as PyTorch on {generatedAgree}/{count}, max |logit - PyTorch's| = {generatedDifference:0.00E+00}");

// ONNX Runtime on the same file, one thread.
using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
using var session = new InferenceSession(modelPath, options);
float[] ortLogits = RunOrt(session, input, count);
var (ortCorrect, _, ortDifference) = CompareWithPyTorch(ortLogits, labels, torchLogits);

Console.WriteLine($"ONNX Runtime accuracy {ortCorrect}/{count}, max |logit - PyTorch's| = {ortDifference:0.00E+00}");
Console.WriteLine();

// Throughput: one image at a time, batches of 64 and the whole held-out set, on one and on two threads. ConvGen
// passes the degree of parallelism (its default would choose by itself); ONNX Runtime gets a session per thread
// count and tensors created before timing, so neither side allocates inside the timed loop.
using var options2 = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
using var session2 = new InferenceSession(modelPath, options2);
int[] batches = [1, 64, count];
Console.WriteLine($"{"images/second",-22}" + string.Concat(batches.Select(b => $"{"batch " + b + " 1T",15}{"2T",9}")));
var rows = new (string Name, Func<int, int, Action> Run)[]
{
    ("ConvGen Sequential", (batch, threads) =>
    {
        var output = new float[batch * 10];
        nint[] shape = [batch, 1, 16, 16];
        return () => { for (int i = 0; i + batch <= count; i += batch) net.Forward(input.AsSpan(i * 256, batch * 256), shape, output, threads); };
    }),
    ("ConvGen [OnnxModel]", (batch, threads) =>
    {
        var output = new float[batch * 10];
        return () => { for (int i = 0; i + batch <= count; i += batch) generated.Forward(input.AsSpan(i * 256, batch * 256), output, batch, threads); };
    }),
    ("ONNX Runtime 1.32.0", (batch, threads) => OrtCalls(threads == 1 ? session : session2, input, count, batch)),
};
foreach (var (name, run) in rows)
{
    Console.WriteLine($"{name,-22}" + string.Concat(batches.Select(batch =>
        $"{ImagesPerSecond(count / batch * batch, run(batch, 1)),15:N0}{ImagesPerSecond(count / batch * batch, run(batch, 2)),9:N0}")));
}

// Where ConvGen's time goes: each layer on the whole batch, one thread.
Console.WriteLine();
Console.WriteLine($"{"layer (batch " + count + ")",-22} {"output shape",-18} {"ms",8}");
var shapes = net.GetLayerOutputShapes(batchShape);
float[] current = input;
nint[] currentShape = batchShape;
for (int l = 0; l < net.Layers.Count; l++)
{
    var layer = net.Layers[l];
    var output = new float[shapes[l].Aggregate(1L, (a, b) => a * b)];
    var layerInput = current;
    var layerShape = currentShape;
    double seconds = 1 / ImagesPerSecond(1, () => layer.Forward(layerInput, layerShape, output, 1));
    Console.WriteLine($"{net.Names[l],-22} {"[" + string.Join(", ", shapes[l]) + "]",-18} {seconds * 1e3,8:F3}");
    current = output;
    currentShape = shapes[l];
}

bool ok = correct == torchCorrect && agree == count && maxDifference < 1e-3
    && generatedCorrect == torchCorrect && generatedAgree == count && generatedDifference < 1e-3;
Console.WriteLine();
Console.WriteLine(ok ? "matches PyTorch: same accuracy, same predictions, logits within 1e-3"
                     : "FAILED: ConvGen does not reproduce PyTorch's results");
return ok ? 0 : 1;

// train.py's preprocessing: value / 16, each pixel repeated 2x2 -> [N, 1, 16, 16].
static float[] Preprocess(byte[] images, int count)
{
    var x = new float[count * 256];
    for (int n = 0; n < count; n++)
    {
        for (int y = 0; y < 16; y++)
        {
            for (int xx = 0; xx < 16; xx++)
            {
                x[(n * 256) + (y * 16) + xx] = images[(n * 64) + ((y / 2) * 8) + (xx / 2)] / 16f;
            }
        }
    }

    return x;
}

static float[] RunOrt(InferenceSession session, float[] input, int count)
{
    using var x = OrtValue.CreateTensorValueFromMemory(input, new long[] { count, 1, 16, 16 });
    using var results = session.Run(new RunOptions(), ["input"], [x], ["logits"]);
    return results[0].GetTensorDataAsSpan<float>().ToArray();
}

// Runs the held-out images through ONNX Runtime in batches of `batch`, on input and output tensors made up front.
static Action OrtCalls(InferenceSession session, float[] input, int count, int batch)
{
    var runOptions = new RunOptions();
    string[] inputNames = ["input"], outputNames = ["logits"];
    var calls = Enumerable.Range(0, count / batch).Select(call =>
        (Input: new[] { OrtValue.CreateTensorValueFromMemory(input.AsSpan(call * batch * 256, batch * 256).ToArray(), new long[] { batch, 1, 16, 16 }) },
         Output: new[] { OrtValue.CreateTensorValueFromMemory(new float[batch * 10], new long[] { batch, 10 }) })).ToArray();
    return () =>
    {
        foreach (var (x, y) in calls)
        {
            session.Run(runOptions, inputNames, x, outputNames, y);
        }
    };
}

// Correct predictions, predictions equal to PyTorch's, and the largest |logit - PyTorch's logit|.
static (int Correct, int Agree, double MaxDifference) CompareWithPyTorch(float[] logits, byte[] labels, float[] torchLogits)
{
    int correct = 0, agree = 0;
    double maxDifference = 0;
    for (int i = 0; i < labels.Length; i++)
    {
        var row = logits.AsSpan(i * 10, 10);
        var torchRow = torchLogits.AsSpan(i * 10, 10);
        correct += ArgMax(row) == labels[i] ? 1 : 0;
        agree += ArgMax(row) == ArgMax(torchRow) ? 1 : 0;
        for (int k = 0; k < 10; k++)
        {
            maxDifference = Math.Max(maxDifference, Math.Abs(row[k] - torchRow[k]));
        }
    }

    return (correct, agree, maxDifference);
}

static int ArgMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int i = 1; i < values.Length; i++)
    {
        if (values[i] > values[best])
        {
            best = i;
        }
    }

    return best;
}

// Median over 15 timed calls (after 3 warm-ups) of `images` images per call.
static double ImagesPerSecond(int images, Action run)
{
    int perCall = images;
    // Warm up for a fifth of a second (at least 3 runs), so the JIT has finished tiering up what the runs call.
    long warmUp = Stopwatch.GetTimestamp();
    for (int i = 0; i < 3 || Stopwatch.GetElapsedTime(warmUp).TotalSeconds < 0.2; i++)
    {
        run();
    }

    var times = new double[31];
    for (int i = 0; i < times.Length; i++)
    {
        long start = Stopwatch.GetTimestamp();
        run();
        times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    Array.Sort(times);
    return perCall / times[times.Length / 2];
}
