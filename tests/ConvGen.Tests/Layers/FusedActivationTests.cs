using System;
using System.Linq;
using Xunit;

namespace ConvGen.Tests.Layers;

// The same 3x3 conv, plain and with each activation fused (the generator applies ReLU/ReLU6 on the accumulator and
// calls Activations.Apply for the others).
[Conv2d(@in: 3, @out: 5, k: 3, p: 1)]
public partial class FusedPlain;

[Conv2d(@in: 3, @out: 5, k: 3, p: 1, activation: Activation.ReLU)]
public partial class FusedReLU;

[Conv2d(@in: 3, @out: 5, k: 3, p: 1, activation: Activation.ReLU6)]
public partial class FusedReLU6;

[Conv2d(@in: 3, @out: 5, k: 3, p: 1, activation: Activation.Sigmoid)]
public partial class FusedSigmoid;

[Conv2d(@in: 3, @out: 5, k: 3, p: 1, activation: Activation.Tanh)]
public partial class FusedTanh;

[Conv2d(@in: 3, @out: 5, k: 3, p: 1, activation: Activation.SiLU)]
public partial class FusedSiLU;

[Conv2d(@in: 3, @out: 5, k: 3, p: 1, activation: Activation.GELU)]
public partial class FusedGELU;

/// <summary>A generated conv with a fused activation gives what the plain conv followed by an ActivationLayer gives.</summary>
public class FusedActivationTests
{
    public static TheoryData<Activation> Fused() => new(Enum.GetValues<Activation>().Where(a => a != Activation.None));

    [Theory]
    [MemberData(nameof(Fused))]
    public void Fused_activation_equals_conv_then_activation_layer(Activation activation)
    {
        var random = new Random(40 + (int)activation);
        float[] weight = LayerAssert.Uniform(random, 5 * 3 * 3 * 3, 3), bias = LayerAssert.Uniform(random, 5, 3);
        ILayer fused = activation switch
        {
            Activation.ReLU => new FusedReLU(weight, bias),
            Activation.ReLU6 => new FusedReLU6(weight, bias),
            Activation.Sigmoid => new FusedSigmoid(weight, bias),
            Activation.Tanh => new FusedTanh(weight, bias),
            Activation.SiLU => new FusedSiLU(weight, bias),
            _ => new FusedGELU(weight, bias),
        };
        var unfused = new Sequential(new FusedPlain(weight, bias), new ActivationLayer(activation));
        foreach (nint[] shape in new nint[][] { [2, 3, 7, 9], [1, 3, 1, 1], [3, 17, 33] })
        {
            float[] x = LayerAssert.Uniform(random, LayerShapes.ElementCount(shape), 2);
            x[x.Length / 2] = float.NaN; // a NaN input makes NaN outputs, which every activation must keep
            var expected = new float[LayerShapes.ElementCount(unfused.GetOutputShape(shape))];
            var actual = new float[expected.Length];
            unfused.Forward(x, shape, expected);
            fused.Forward(x, shape, actual);
            LayerAssert.Close(actual, expected.Select(v => (double)v).ToArray(), 1e-6, 1e-6, $"{activation} on {LayerShapes.Format(shape)}");
        }
    }
}
