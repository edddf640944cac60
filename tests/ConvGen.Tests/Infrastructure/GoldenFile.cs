using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace ConvGen.Tests.Infrastructure;

/// <summary>
/// Snapshot checks against committed <c>Golden/*.verified.cs</c> files. Set CONVGEN_UPDATE_GOLDEN=1 to
/// rewrite them from the current output; otherwise a mismatch fails with the first differing lines.
/// </summary>
internal static class GoldenFile
{
    public const string UpdateVariable = "CONVGEN_UPDATE_GOLDEN";

    public static void Verify(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(callerPath))!, "Golden");
        string path = Path.Combine(directory, name + ".verified.cs");
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"no golden file {path}; run the tests with {UpdateVariable}=1 to create it.");
        string expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected != actual)
        {
            Assert.Fail($"generated source differs from {path} (set {UpdateVariable}=1 to accept):\n{Diff(expected, actual)}");
        }
    }

    /// <summary>The first differing lines with a little context, as - expected / + actual.</summary>
    private static string Diff(string expected, string actual)
    {
        string[] left = expected.Split('\n');
        string[] right = actual.Split('\n');
        int first = 0;
        while (first < left.Length && first < right.Length && left[first] == right[first])
        {
            first++;
        }

        var text = new StringBuilder();
        for (int i = Math.Max(0, first - 3); i < first; i++)
        {
            text.AppendLine($"  {i + 1,5}: {left[i]}");
        }

        for (int i = first; i < Math.Min(first + 8, Math.Max(left.Length, right.Length)); i++)
        {
            if (i < left.Length)
            {
                text.AppendLine($"- {i + 1,5}: {left[i]}");
            }

            if (i < right.Length)
            {
                text.AppendLine($"+ {i + 1,5}: {right[i]}");
            }
        }

        return text.ToString();
    }
}
