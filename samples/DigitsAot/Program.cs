using System;
using System.Globalization;
using System.IO;
using ConvGen;

// Classifies the digits sample's 450 held-out images with the generated network and prints the accuracy and every
// logit's bits, so a native and a JIT run can be compared byte for byte. Usage: DigitsAot <folder of test_images.u8>
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: DigitsAot <folder holding test_images.u8 and test_labels.u8>");
    return 2;
}

byte[] images = File.ReadAllBytes(Path.Combine(args[0], "test_images.u8"));
byte[] labels = File.ReadAllBytes(Path.Combine(args[0], "test_labels.u8"));
int count = labels.Length;

// As the sample's train.py: value / 16, each 8x8 pixel repeated 2x2 to 16x16, NCHW [N, 1, 16, 16].
var input = new float[count * DigitsNet.InputSize];
for (int n = 0; n < count; n++)
{
    for (int y = 0; y < 16; y++)
    {
        for (int x = 0; x < 16; x++)
        {
            input[(n * 256) + (y * 16) + x] = images[(n * 64) + ((y / 2) * 8) + (x / 2)] / 16f;
        }
    }
}

var net = new DigitsNet();
var logits = new float[count * DigitsNet.OutputSize];
net.Forward(input, logits, count);

int correct = 0;
ulong checksum = 14695981039346656037;
for (int n = 0; n < count; n++)
{
    ReadOnlySpan<float> row = logits.AsSpan(n * DigitsNet.OutputSize, DigitsNet.OutputSize);
    int best = 0;
    for (int k = 0; k < row.Length; k++)
    {
        best = row[k] > row[best] ? k : best;
        checksum = (checksum ^ BitConverter.SingleToUInt32Bits(row[k])) * 1099511628211;
    }

    correct += best == labels[n] ? 1 : 0;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{correct} of {count} correct; logits FNV-1a {checksum:x16}; first logits {string.Join(" ", logits[..10])}"));
// The sample's model reaches 441 of 450 in PyTorch (samples/Digits/data/meta.json).
return correct == 441 ? 0 : 1;

/// <summary>The digits CNN, generated whole from its ONNX file.</summary>
[OnnxModel("Digits/data/model.onnx")]
public partial class DigitsNet;
