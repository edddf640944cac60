using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace ConvGen.Generator.Network;

/// <summary>
/// The C# names of a network's outputs. One output is <c>Output</c> (<c>OutputSize</c>, <c>OutputShape</c>, the span
/// <c>output</c>). Several are named after their ONNX names in PascalCase (<c>boxes</c> gives <c>BoxesSize</c>,
/// <c>BoxesShape</c>, the span <c>outputBoxes</c> and the tuple element <c>Boxes</c>; <c>output_mask</c> gives
/// <c>OutputMask</c> and <c>outputMask</c>), prefixed with <c>Output</c> where that would not be a valid, free name
/// (<c>456</c> gives <c>Output456</c>, <c>input</c> <c>OutputInput</c>), and made unique by their position.
/// </summary>
internal static class OutputIdentifiers
{
    // Names the network's other members or a tuple element may not take: InputSize/InputShape, the buffer
    // constants, and the names C# reserves in tuples.
    private static readonly Regex Reserved = new("^(Input|Buffer[0-9]+|Item[0-9]+|Rest|ToString|GetHashCode|Equals|GetType|CompareTo)$", RegexOptions.CultureInvariant);

    public static (string Identifier, string Parameter)[] For(IReadOnlyList<string> onnxNames)
    {
        var names = new (string, string)[onnxNames.Count];
        if (onnxNames.Count == 1)
        {
            names[0] = ("Output", "output");
            return names;
        }

        var taken = new HashSet<string>();
        for (int i = 0; i < names.Length; i++)
        {
            string identifier = Pascal(onnxNames[i]);
            if (identifier.Length == 0 || char.IsDigit(identifier[0]) || Reserved.IsMatch(identifier))
            {
                identifier = "Output" + identifier;
            }

            // Spans are "output" + the identifier ("outputBoxes"), or the identifier itself when it starts with Output.
            string parameter = identifier.StartsWith("Output", StringComparison.Ordinal) ? "o" + identifier.Substring(1) : "output" + identifier;
            while (!taken.Add(identifier) | !taken.Add(parameter))
            {
                identifier += "At" + i;
                parameter += "At" + i;
            }

            names[i] = (identifier, parameter);
        }

        return names;
    }

    /// <summary>The ASCII letters and digits of <paramref name="name"/>, each run starting with a capital.</summary>
    private static string Pascal(string name)
    {
        var text = new StringBuilder();
        bool start = true;
        foreach (char c in name)
        {
            bool letter = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
            if (letter || c is >= '0' and <= '9')
            {
                text.Append(start && letter ? char.ToUpperInvariant(c) : c);
                start = false;
            }
            else
            {
                start = true;
            }
        }

        return text.ToString();
    }
}
