using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace ConvGen.Tests.Docs;

/// <summary>
/// One page of docs/diagnostics: its first line (<c># CGxxxx: title</c>), its text, and the fenced code blocks of each
/// <c>## </c> section. The Example and Fix sections hold the code the tests compile: one <c>csharp</c> block, an optional
/// <c>xml</c> block of <c>AdditionalFiles</c> items, and (in Example) a <c>text</c> block of the messages it reports.
/// </summary>
internal sealed class DiagnosticPage
{
    private readonly Dictionary<string, List<(string Language, string Code)>> blocks;

    private DiagnosticPage(string heading, string text, Dictionary<string, List<(string Language, string Code)>> blocks)
    {
        Heading = heading;
        Text = text;
        this.blocks = blocks;
    }

    public string Heading { get; }

    public string Text { get; }

    public static DiagnosticPage Read(string path)
    {
        string text = File.ReadAllText(path);
        var lines = text.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        var blocks = new Dictionary<string, List<(string, string)>>();
        string section = "";
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].StartsWith("## ", StringComparison.Ordinal))
            {
                section = lines[i][3..].Trim();
            }
            else if (lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                string language = lines[i][3..].Trim();
                int end = lines.FindIndex(i + 1, line => line.StartsWith("```", StringComparison.Ordinal));
                if (end < 0)
                {
                    throw new FormatException($"{path}: the code block opened on line {i + 1} is not closed");
                }

                if (!blocks.TryGetValue(section, out var list))
                {
                    blocks[section] = list = [];
                }

                list.Add((language, string.Join('\n', lines.Skip(i + 1).Take(end - i - 1))));
                i = end;
            }
        }

        return new DiagnosticPage(lines[0], text, blocks);
    }

    /// <summary>The code of the section's blocks in <paramref name="language"/>.</summary>
    public IReadOnlyList<string> Code(string section, string language) =>
        blocks.TryGetValue(section, out var list) ? [.. list.Where(b => b.Language == language).Select(b => b.Code)] : [];

    /// <summary>The <c>Include</c> paths of the section's <c>AdditionalFiles</c> items.</summary>
    public IReadOnlyList<string> AdditionalFiles(string section) =>
        [.. Code(section, "xml").SelectMany(xml => XElement.Parse(xml).DescendantsAndSelf("AdditionalFiles")).Select(item => (string)item.Attribute("Include")!)];

    /// <summary>The diagnostics the section's text blocks show, one per line, as <c>error CGxxxx: message</c>.</summary>
    public IReadOnlyList<string> Messages(string section) =>
        [.. Code(section, "text").SelectMany(text => text.Split('\n')).Where(line => line.StartsWith("error ", StringComparison.Ordinal))];
}
