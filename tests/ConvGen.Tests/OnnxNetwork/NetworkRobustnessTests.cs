using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>Corrupted model files (truncated, bytes flipped) give ConvGen diagnostics or a working network, never a
/// generator crash (which the driver would report as CS8785) or uncompilable output.</summary>
public class NetworkRobustnessTests
{
    [Fact]
    public void Corrupted_digits_models_never_crash_the_generator()
    {
        byte[] model = File.ReadAllBytes(Path.Combine(DigitsModelTests.RepositoryRoot(), "samples", "Digits", "data", "model.onnx"));
        var random = new Random(9);
        int reported = 0;
        for (int trial = 0; trial < 150; trial++)
        {
            byte[] bytes = (byte[])model.Clone();
            switch (trial % 3)
            {
                case 0:
                    bytes = bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
                    break;
                case 1:
                    // Flip a few bytes in the structure near the start (graph, nodes, attributes).
                    for (int i = 0; i < 3; i++)
                    {
                        bytes[random.Next(Math.Min(bytes.Length, 2000))] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                default:
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
            }

            string path = OnnxModelHarness.WriteModel("model.onnx", bytes);
            var result = OnnxModelHarness.Run("using ConvGen;\n[OnnxModel(\"model.onnx\")] public partial class Net;\n", path);

            Assert.All(result.GeneratorDiagnostics, d => Assert.StartsWith("CG00", d.Id));
            if (result.GeneratorDiagnostics.IsEmpty)
            {
                // A corruption the model survives (e.g. in a weight) must still compile cleanly.
                Assert.Empty(result.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
            }
            else
            {
                reported++;
            }
        }

        Assert.True(reported > 30, $"only {reported} corruptions were reported");
    }
}
