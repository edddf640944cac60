using ConvGen.Generator.Model;
using Xunit;

namespace ConvGen.Tests.Model;

/// <summary>Output-size arithmetic: floor((in + pads - d*(k-1) - 1) / s) + 1, as PyTorch documents it.</summary>
public class ConvAxisTests
{
    [Theory]
    [InlineData(224, 3, 1, 1, 1, 1, 224)]
    [InlineData(224, 7, 2, 3, 3, 1, 112)] // ResNet stem
    [InlineData(56, 3, 2, 1, 1, 1, 28)]
    [InlineData(56, 3, 1, 2, 2, 2, 56)] // dilated
    [InlineData(5, 3, 2, 0, 0, 1, 2)] // floor((5 - 3) / 2) + 1
    [InlineData(6, 3, 2, 0, 0, 1, 2)] // floor((6 - 3) / 2) + 1: the last column is dropped
    [InlineData(1, 1, 5, 0, 0, 1, 1)]
    [InlineData(3, 5, 1, 0, 0, 1, 0)] // kernel larger than the input: empty
    [InlineData(3, 5, 1, 1, 1, 1, 1)] // ... unless padding makes room
    [InlineData(10, 4, 3, 1, 2, 2, 3)] // asymmetric pads: floor((10 + 3 - 7) / 3) + 1
    public void Output_size_follows_PyTorch(int input, int kernel, int stride, int before, int after, int dilation, int expected)
    {
        var axis = new ConvAxis(kernel, stride, before, after, dilation);

        Assert.Equal(expected, axis.OutputSize(input));
        Assert.Equal(expected, ConvGeometry.OutputSize(input, kernel, stride, before, after, dilation));
    }

    [Theory]
    [InlineData(5, 1, 0, 0, 5)]
    [InlineData(5, 1, 1, 1, 3)]
    [InlineData(3, 3, 0, 0, 7)]
    [InlineData(3, 1, 5, 5, 1)] // padding covers the kernel; inputs are still at least 1
    public void Minimum_input_is_the_smallest_with_a_non_empty_output(int kernel, int dilation, int before, int after, int minimum)
    {
        var axis = new ConvAxis(kernel, 1, before, after, dilation);

        Assert.Equal(minimum, axis.MinimumInput);
        Assert.True(axis.OutputSize(minimum) >= 1);
        Assert.True(minimum == 1 || axis.OutputSize(minimum - 1) == 0);
    }

    [Theory]
    [InlineData(3, 1, 1, new[] { 0 })]
    [InlineData(3, 2, 1, new[] { 0, 1 })]      // offsets 0, 1, 2
    [InlineData(3, 2, 2, new[] { 0 })]         // offsets 0, 2, 4: every tap in phase 0
    [InlineData(1, 2, 1, new[] { 0 })]         // a 1x1 strided layer reads one phase
    [InlineData(3, 3, 2, new[] { 0, 1, 2 })]   // offsets 0, 2, 4
    [InlineData(2, 4, 3, new[] { 0, 3 })]      // offsets 0, 3
    public void Phases_read_are_the_tap_offsets_modulo_the_stride(int kernel, int stride, int dilation, int[] expected)
    {
        Assert.Equal(expected, new ConvAxis(kernel, stride, 0, 0, dilation).PhasesRead());
    }
}
