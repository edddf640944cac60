using System;
using System.Collections.Generic;

namespace ConvGen.Benchmarks;

/// <summary>One transposed convolution: median ms per call of ConvGen and ONNX Runtime on one and two threads; each
/// engine's first single-thread output against the float64 definition, and the largest difference of any engine's
/// last output from single-thread ORT's, all relative to the largest expected output.</summary>
public sealed record TransposedLayerResult(
    string Name, string Label, double Flops,
    double ConvGenMs, double OrtMs, double ConvGenTwoThreadsMs, double OrtTwoThreadsMs,
    double ConvGenDefinitionError, double OrtDefinitionError, double MaxRelativeError);

/// <summary>benchmarks/results/transposed.json: the transposed convolutions against ONNX Runtime on one and two threads,
/// and the single-core peak measured in the same run (null without Vector512 hardware).</summary>
public sealed record TransposedFile(
    string Tool, DateTime TimestampUtc, CpuInfo Cpu, SourceInfo? Source, string Harness, int Rounds,
    double? PeakGflops, string PeakMethod, IReadOnlyList<TransposedLayerResult> Layers);
