using System;
using System.Collections.Generic;
using System.Linq;
using ConvGen.Generator.Network;
using Xunit;
using static ConvGen.Tests.OnnxNetwork.NetworkConformanceTests;

namespace ConvGen.Tests.OnnxNetwork;

/// <summary>
/// Zero-copy Concat (<see cref="ConcatPlacement"/>): producers that write straight into their slice of a concat's output,
/// image by image at batch &gt; 1, and the parts that must be copied instead. Each graph is compared with ONNX Runtime
/// at batch 1 and 3 (every output), and the planner's choice of what each concat still copies is checked, so a test
/// fails both when the placement is wrong and when it silently stops placing.
/// </summary>
public class ZeroCopyConcatTests
{
    public static TheoryData<string, string[]> Cases => new()
    {
        // Two of SqueezeNet's fire modules: both expand convolutions (ReLU fused) write into their concat, the second
        // one into the caller's output span.
        { "fire", ["", ""] },
        // A conv and a pool joined; the conv's output is read again afterwards (by a Tanh, from its slice).
        { "read_elsewhere", [""] },
        // A concat inside a concat, beside the input's Neg and a Tanh that reads a part of the inner one.
        { "nested", ["", ""] },
        // The same value twice and the graph input: the second copy and the input are copied.
        { "twice", ["1,2"] },
        // DenseNet's block: each layer joins every feature map so far; the first two concats are views of the last.
        { "dense_block", ["", "", ""] },
        // Parts that are flattens (aliases) of what their producers compute.
        { "alias", [""] },
        // The first part written into a buffer is an element-wise step on a value it reads last (no in-place write there).
        { "first_in_place", [""] },
        // A part that is a graph output is copied; the concat writes into the caller's span and a later step reads it.
        { "output_part", ["0"] },
        // A dense layer of one row per image keeps its batch (copied); the sigmoid of it is placed.
        { "dense_part", ["0"] },
        // Along the width: each image holds many blocks of each part, so every part is copied.
        { "width", ["0,1"] },
        // That width concat placed in a channel concat: it copies its parts into its slice, image by image.
        { "width_in_channels", ["0,1", ""] },
    };

    public static TheoryData<string> Names => new(Cases.Select(row => (string)row[0]));

    [Theory]
    [MemberData(nameof(Names))]
    public void Matches_ONNX_Runtime_at_batch_1_and_3(string name)
    {
        byte[] model = Model(name);
        object net = OnnxModelHarness.CompileNetwork(OnnxModelHarness.WriteModel(name + ".onnx", model));
        foreach (int batch in new[] { 1, 3 })
        {
            long[] shape = [batch, 4, 5, 6];
            float[] input = Values(new Random(7 + batch), batch * 120, 2f);
            var expected = OnnxModelHarness.RunOnnxRuntimeAll(model, input, shape);
            var actual = OnnxModelHarness.ForwardAll(net, input, shape);
            var again = OnnxModelHarness.ForwardAll(net, input, shape);
            Assert.Equal(expected.Count, actual.Count);
            for (int o = 0; o < expected.Count; o++)
            {
                Assert.Equal(expected[o].Shape.Select(d => (nint)d), actual[o].Shape);
                Assert.Equal(actual[o].Values, again[o].Values);
                for (int i = 0; i < expected[o].Values.Length; i++)
                {
                    float e = expected[o].Values[i], a = actual[o].Values[i];
                    Assert.True(Math.Abs(e - a) <= 1e-4 * Math.Max(1, Math.Abs(e)), $"{name}, batch {batch}, output {o}, value {i}: ConvGen {a}, ONNX Runtime {e}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_concat_copies_only_the_parts_that_cannot_be_written_in_place(string name, string[] copies)
    {
        var graph = OnnxFileReader.Parse(name + ".onnx", Model(name)).Graph!;
        var plan = BufferPlanner.Plan(graph);
        var concats = Enumerable.Range(0, graph.Steps.Count).Where(s => graph.Steps[s] is ConcatStep);
        Assert.Equal(copies, concats.Select(s => string.Join(",", plan.Placement.Copies[s])));
    }

    [Fact]
    public void Fire_modules_generate_no_concat_copy()
    {
        string path = OnnxModelHarness.WriteModel("fire.onnx", Model("fire"));
        var result = OnnxModelHarness.Run("using ConvGen;\nnamespace Nets;\n[OnnxModel(\"fire.onnx\")] public partial class Net;\n", path);
        Assert.Empty(result.AllDiagnostics);
        string code = result.GeneratedSource("Nets.Net.g.cs");
        Assert.DoesNotContain("Concat.Part", code);
        Assert.Equal(2, code.Split("every part was written in place").Length - 1);
    }

    [Fact]
    public void DenseNet_concats_are_views_of_the_block_output_whose_buffer_nothing_else_takes_while_it_is_live()
    {
        var graph = OnnxFileReader.Parse("dense_block.onnx", Model("dense_block")).Graph!;
        var plan = BufferPlanner.Plan(graph);
        var slices = plan.Placement.Slices;
        var concats = graph.Steps.OfType<ConcatStep>().ToList();
        int block = concats[^1].Output;
        Assert.All(concats.SkipLast(1), concat => Assert.Equal(new ImageSlice(block, 0, 300, concat.Sizes.Sum()), slices[concat.Output]));
        Assert.All(concats[^1].Parts, part => Assert.Equal(block, slices[part].In));

        // From the stem, its first part, to the global pool, its last reader, every other value (the sigmoid and batch
        // norm of each view, the convs' inputs) is in another buffer.
        Assert.Equal(Storage.Buffer, plan.Kind[block]);
        int first = graph.Steps.ToList().FindIndex(step => slices[step.Output].In == block);
        Assert.Equal(0, first);
        foreach (var step in graph.Steps.Where(step => slices[step.Output].In != block))
        {
            Assert.True(plan.Kind[step.Output] != Storage.Buffer || plan.Buffer[step.Output] != plan.Buffer[block], $"{step.Node} shares the block's buffer");
        }
    }

    private static byte[] Model(string name)
    {
        var random = new Random(name.Length);
        var model = new OnnxGraphWriter(13).Input("x", [null, 4, 5, 6]);
        (string, object) Pads(long pad) => ("pads", new long[] { pad, pad, pad, pad });
        void Conv(string input, string output, int inChannels, int outChannels, int kernel)
        {
            model.Initializer(output + ".w", [outChannels, inChannels, kernel, kernel], Values(random, outChannels * inChannels * kernel * kernel, 0.4f))
                .Initializer(output + ".b", [outChannels], Values(random, outChannels, 0.1f))
                .Node("Conv", [input, output + ".w", output + ".b"], [output], output, Pads(kernel / 2));
        }

        switch (name)
        {
            case "fire":
                void Relu(string input, string output) => model.Node("Relu", [input], [output], output + ".relu");
                void Fire(string input, string output, int inChannels, string name)
                {
                    Conv(input, name + ".squeeze", inChannels, 2, 1);
                    Relu(name + ".squeeze", name + ".s");
                    Conv(name + ".s", name + ".e1", 2, 3, 1);
                    Relu(name + ".e1", name + ".r1");
                    Conv(name + ".s", name + ".e3", 2, 3, 3);
                    Relu(name + ".e3", name + ".r3");
                    model.Node("Concat", [name + ".r1", name + ".r3"], [output], name + ".join", ("axis", 1L));
                }

                Fire("x", "f1", 4, "fire1");
                Fire("f1", "y", 6, "fire2");
                break;
            case "read_elsewhere":
                Conv("x", "a", 4, 3, 1);
                model.Node("MaxPool", ["x"], ["p"], "pool", ("kernel_shape", new long[] { 3, 3 }), Pads(1))
                    .Node("Concat", ["a", "p"], ["c"], "join", ("axis", 1L))
                    .Node("Tanh", ["a"], ["e"], "tanh")
                    .Node("ReduceMean", ["e"], ["m"], "mean", ("axes", new long[] { 1, 2, 3 }))
                    .Node("Mul", ["c", "m"], ["y"], "scale");
                break;
            case "nested":
                model.Node("Relu", ["x"], ["a"], "relu").Node("Sigmoid", ["x"], ["b"], "sigmoid")
                    .Node("Concat", ["a", "b"], ["c"], "inner", ("axis", 1L))
                    .Node("Neg", ["x"], ["d"], "neg").Node("Tanh", ["a"], ["e"], "tanh")
                    .Node("Concat", ["d", "c", "e"], ["y"], "outer", ("axis", 1L));
                break;
            case "twice":
                model.Node("Sigmoid", ["x"], ["a"], "sigmoid").Node("Concat", ["a", "x", "a"], ["y"], "join", ("axis", 1L));
                break;
            case "dense_block":
                // x0, then three layers of (batch norm or sigmoid of the concat so far, 3x3 conv to 2 channels).
                model.Node("Relu", ["x"], ["x0"], "stem");
                Conv("x0", "f1", 4, 2, 3);
                model.Node("Concat", ["x0", "f1"], ["c1"], "join1", ("axis", 1L)).Node("Sigmoid", ["c1"], ["s1"], "norm1");
                Conv("s1", "f2", 6, 2, 3);
                model.Node("Concat", ["x0", "f1", "f2"], ["c2"], "join2", ("axis", 1L))
                    .Initializer("g", [8], Values(random, 8, 1f)).Initializer("be", [8], Values(random, 8, 0.2f))
                    .Initializer("mu", [8], Values(random, 8, 0.2f)).Initializer("var", [8], [.. Values(random, 8, 0.5f).Select(v => 1 + Math.Abs(v))])
                    .Node("BatchNormalization", ["c2", "g", "be", "mu", "var"], ["s2"], "norm2");
                Conv("s2", "f3", 8, 2, 3);
                model.Node("Concat", ["x0", "f1", "f2", "f3"], ["block"], "block", ("axis", 1L)).Node("GlobalAveragePool", ["block"], ["y"], "pool");
                break;
            case "alias":
                model.Node("Relu", ["x"], ["a"], "relu").Node("Flatten", ["a"], ["fa"], "flatten_a")
                    .Node("Sigmoid", ["x"], ["b"], "sigmoid").Node("Flatten", ["b"], ["fb"], "flatten_b")
                    .Node("Concat", ["fa", "fb"], ["y"], "join", ("axis", 1L));
                break;
            case "first_in_place":
                model.Node("Sigmoid", ["x"], ["t"], "sigmoid").Node("Relu", ["t"], ["a"], "relu").Node("Neg", ["x"], ["b"], "neg")
                    .Node("Concat", ["a", "b"], ["c"], "join", ("axis", 1L)).Node("Tanh", ["c"], ["y"], "tanh");
                break;
            case "output_part":
                model.Node("Relu", ["x"], ["a"], "relu").Node("Sigmoid", ["x"], ["b"], "sigmoid")
                    .Node("Concat", ["a", "b"], ["c"], "join", ("axis", 1L)).Node("Neg", ["c"], ["z"], "neg")
                    .Output("a").Output("c").Output("z");
                return model.ToArray();
            case "dense_part":
                model.Node("Flatten", ["x"], ["f"], "flatten")
                    .Initializer("w", [5, 120], Values(random, 600, 0.2f)).Initializer("bias", [5], Values(random, 5, 0.1f))
                    .Node("Gemm", ["f", "w", "bias"], ["g"], "fc", ("transB", 1L))
                    .Node("Sigmoid", ["g"], ["s"], "sigmoid").Node("Concat", ["g", "s"], ["y"], "join", ("axis", 1L));
                break;
            case "width":
                model.Node("Relu", ["x"], ["a"], "relu").Node("Sigmoid", ["x"], ["b"], "sigmoid")
                    .Node("Concat", ["a", "b"], ["y"], "join", ("axis", 3L));
                break;
            case "width_in_channels":
                model.Node("Relu", ["x"], ["a"], "relu").Node("Sigmoid", ["x"], ["b"], "sigmoid")
                    .Node("Concat", ["a", "b"], ["w"], "wide", ("axis", 3L)).Node("Tanh", ["w"], ["t"], "tanh")
                    .Node("Concat", ["w", "t"], ["y"], "join", ("axis", 1L));
                break;
        }

        return model.Output("y").ToArray();
    }
}
