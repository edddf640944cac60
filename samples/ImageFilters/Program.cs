using System;
using System.Diagnostics;
using System.IO;
using ConvGen;
using ConvGen.Samples.ImageFilters;

// Classic image filters as generated depthwise convolutions with fixed weights, applied to a photo.
// Usage: ImageFilters [output folder (default ./out)] [input PNG (default chelsea.png beside the program)]
if (args is ["--help" or "-h"])
{
    Console.WriteLine("usage: ImageFilters [output folder (default ./out)] [input PNG (default chelsea.png beside the program)]");
    return 0;
}

string outputFolder = args.Length > 0 ? args[0] : "out";
string inputPath = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "chelsea.png");
Directory.CreateDirectory(outputFolder);

var image = Png.Read(inputPath);
int height = image.Height, width = image.Width;
float[] input = ToPlanarRgb(image);
Console.WriteLine($"{Path.GetFileName(inputPath)}: {width}x{height}, NCHW [1, 3, {height}, {width}]");
Console.WriteLine();
Console.WriteLine($"{"filter",-13} {"kernel",-22} {"ms/forward (1T)",15} {"Mpixel/s",9} {"max |error| vs float64",23}  output");

float[] binomial = [1, 4, 6, 4, 1];
var blurKernel = new float[25];
for (int i = 0; i < 25; i++)
{
    blurKernel[i] = binomial[i / 5] * binomial[i % 5] / 256f;
}

float[] sharpenKernel = [0, -1, 0, -1, 5, -1, 0, -1, 0];
float[] sobelX = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
float[] sobelY = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
float[] embossKernel = [-2, -1, 0, -1, 0, 1, 0, 1, 2];

bool allWithinBound = true;

var blurWeight = Repeat(blurKernel, 3);
Run("blur", "Gaussian 5x5", new GaussianBlur(blurWeight), GaussianBlur.OutChannels, 25,
    new ConvGeometry(3, 3, 5, 5, PadTop: GaussianBlur.PadTop, PadBottom: GaussianBlur.PadBottom,
        PadLeft: GaussianBlur.PadLeft, PadRight: GaussianBlur.PadRight, Groups: 3),
    blurWeight, [], Colour);

var sharpenWeight = Repeat(sharpenKernel, 3);
Run("sharpen", "Laplacian 3x3", new Sharpen(sharpenWeight), Sharpen.OutChannels, 9,
    new ConvGeometry(3, 3, 3, 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Groups: 3),
    sharpenWeight, [], Colour);

var sobelWeight = new float[SobelEdges.WeightLength];
for (int c = 0; c < 3; c++)
{
    sobelX.CopyTo(sobelWeight, 18 * c);
    sobelY.CopyTo(sobelWeight, (18 * c) + 9);
}

Run("edges", "Sobel x,y 3x3 (x2)", new SobelEdges(sobelWeight), SobelEdges.OutChannels, 9,
    new ConvGeometry(3, 6, 3, 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Groups: 3),
    sobelWeight, [], GradientMagnitude);

var embossWeight = Repeat(embossKernel, 3);
float[] embossBias = [0.5f, 0.5f, 0.5f];
Run("emboss", "diagonal 3x3 + 0.5", new Emboss(embossWeight, embossBias), Emboss.OutChannels, 9,
    new ConvGeometry(3, 3, 3, 3, PadTop: 1, PadBottom: 1, PadLeft: 1, PadRight: 1, Groups: 3),
    embossWeight, embossBias, Colour);

Console.WriteLine();
Console.WriteLine(allWithinBound
    ? "every output is within the float32 rounding bound of the float64 reference"
    : "FAILED: an output is outside the float32 rounding bound of the float64 reference");
return allWithinBound ? 0 : 1;

// Runs one filter: times the allocation-free Forward on one thread (median of 21 after a warm-up), checks every
// output against ReferenceConvolution within a rigorous float32 bound, and writes the PNG.
void Run(string name, string kernel, ILayer layer, int outChannels, int taps, ConvGeometry geometry,
    float[] weight, float[] bias, Func<float[], byte[]> toRgb)
{
    var output = new float[outChannels * height * width];
    ReadOnlySpan<nint> shape = [1, 3, height, width];
    layer.Forward(input, shape, output);
    var times = new double[21];
    for (int i = 0; i < times.Length; i++)
    {
        long start = Stopwatch.GetTimestamp();
        layer.Forward(input, shape, output, degreeOfParallelism: 1);
        times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    Array.Sort(times);
    double ms = times[times.Length / 2];

    var reference = new double[output.Length];
    var magnitude = new double[output.Length];
    ReferenceConvolution.Conv2d(geometry, input, 1, height, width, weight, bias, reference, magnitude);
    double maxError = 0, bound = 2.0 * (taps + 1) * Math.Pow(2, -24);
    for (int i = 0; i < output.Length; i++)
    {
        double error = Math.Abs(output[i] - reference[i]);
        maxError = Math.Max(maxError, error);
        if (!(error <= (bound * magnitude[i]) + 1e-30))
        {
            allWithinBound = false;
        }
    }

    string file = Path.Combine(outputFolder, $"{name}.png");
    Png.WriteRgb(file, width, height, toRgb(output));
    Console.WriteLine($"{name,-13} {kernel,-22} {ms,15:F3} {width * height / ms / 1e3,9:F1} {maxError,23:0.00E+00}  {file}");
}

// Planar float RGB in [0, 1] -> interleaved bytes, rounded and clamped.
byte[] Colour(float[] planar)
{
    var rgb = new byte[3 * height * width];
    int plane = height * width;
    for (int p = 0; p < plane; p++)
    {
        for (int c = 0; c < 3; c++)
        {
            rgb[(3 * p) + c] = ToByte(planar[(c * plane) + p]);
        }
    }

    return rgb;
}

// Six planes (dx, dy per colour) -> per colour sqrt(dx^2 + dy^2), clamped: a colour edge map.
byte[] GradientMagnitude(float[] planar)
{
    var rgb = new byte[3 * height * width];
    int plane = height * width;
    for (int p = 0; p < plane; p++)
    {
        for (int c = 0; c < 3; c++)
        {
            float dx = planar[(2 * c * plane) + p], dy = planar[(((2 * c) + 1) * plane) + p];
            rgb[(3 * p) + c] = ToByte(MathF.Sqrt((dx * dx) + (dy * dy)));
        }
    }

    return rgb;
}

static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value * 255f), 0f, 255f);

static float[] Repeat(float[] kernel, int times)
{
    var weight = new float[kernel.Length * times];
    for (int i = 0; i < times; i++)
    {
        kernel.CopyTo(weight, i * kernel.Length);
    }

    return weight;
}

// Interleaved 8-bit grey/RGB/RGBA -> planar float RGB [3, H, W] in [0, 1] (ToTensor's x / 255; alpha is dropped,
// grey fills all three planes).
static float[] ToPlanarRgb(Image image)
{
    int plane = image.Width * image.Height;
    var planar = new float[3 * plane];
    if (image.Channels == 1)
    {
        ImageInput.ToNchw(image.Pixels, PixelLayout.Gray8, image.Height, image.Width, planar.AsSpan(0, plane), ImageNormalization.UnitRange(1));
        planar.AsSpan(0, plane).CopyTo(planar.AsSpan(plane));
        planar.AsSpan(0, plane).CopyTo(planar.AsSpan(2 * plane));
    }
    else
    {
        PixelLayout layout = image.Channels == 4 ? PixelLayout.Rgba32 : PixelLayout.Rgb24;
        ImageInput.ToNchw(image.Pixels, layout, image.Height, image.Width, planar, ImageNormalization.UnitRange(3));
    }

    return planar;
}
