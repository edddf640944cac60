using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ConvGen.Tests.OnnxNetwork;
using Xunit;
using Xunit.Abstractions;

namespace ConvGen.Tests.Docs;

/// <summary>
/// The whole-network benchmark scripts run as README shows them on the smallest zoo model (M5, which exports in
/// seconds): `bash benchmarks/zoo m5`, `bash benchmarks/start-up m5`, `bash benchmarks/profile m5` and `bash benchmarks/edit-build m5`, word for word
/// from README, at the repository root. Each must exit 0 and print its figures in the form README quotes; the zoo
/// script also checks ConvGen's outputs against ONNX Runtime's before it times them. One at a time (each builds an
/// app against the repository's projects), in the zoo's serial collection.
/// </summary>
[Collection(nameof(ZooCollection))]
public class BenchmarkScriptTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("bash benchmarks/zoo m5", @"^m5 +[12] +[18] +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d\dx$", 4)]
    [InlineData("bash benchmarks/start-up m5", @"^m5 +first output: ConvGen \d+\.\d ms \(new Net\(\) \d+\.\d\), ONNX Runtime \d+\.\d ms \(session \d+\.\d\): \d+\.\d\dx", 1)]
    [InlineData("bash benchmarks/profile m5", @"^  (convolution kernels|padded copies, layout|layer set-up|other operators|network|threads, runtime, OS) +\d+\.\d{3} +\d+\.\d% +-$", 6)]
    [InlineData("bash benchmarks/edit-build m5", @"^m5 +edit-build +\d+\.\d\d s with the model class, +\d+\.\d\d s without: \+-?\d+\.\d\d s$", 1)]
    public void Script_runs_as_README_shows(string command, string figures, int lines)
    {
        string root = DigitsModelTests.RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.True(readme.Contains($"`{command}`", StringComparison.Ordinal), $"README no longer shows `{command}`");

        var (code, printed, error) = ZooTests.Zoo.Start("bash", TimeSpan.FromMinutes(10), "-c", $"cd '{root}' && {command}");
        output.WriteLine(printed);
        Assert.True(code == 0, $"{command} failed with exit code {code}:\n{printed}\n{error}");
        var matching = printed.Split('\n').Where(line => Regex.IsMatch(line, figures)).ToList();
        Assert.True(matching.Count == lines, $"{command} printed {matching.Count} lines of figures, not {lines}:\n{printed}");
    }
}
