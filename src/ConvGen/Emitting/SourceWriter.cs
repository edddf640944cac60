using System.CodeDom.Compiler;
using System.IO;

namespace ConvGen.Generator.Emitting;

/// <summary>Indented C# text, one line at a time, with braces that open and close indentation.</summary>
internal sealed class SourceWriter
{
    private readonly StringWriter _text = new();
    private readonly IndentedTextWriter _writer;

    public SourceWriter() => _writer = new IndentedTextWriter(_text, "    ") { NewLine = "\n" };

    public void Line(string line = "")
    {
        if (line.Length == 0)
        {
            // No indentation on blank lines.
            int indent = _writer.Indent;
            _writer.Indent = 0;
            _writer.WriteLine();
            _writer.Indent = indent;
            return;
        }

        _writer.WriteLine(line);
    }

    /// <summary>Writes several lines, each at the current indentation.</summary>
    public void Lines(string block)
    {
        foreach (string line in block.Replace("\r\n", "\n").Split('\n'))
        {
            Line(line);
        }
    }

    /// <summary>Writes <paramref name="header"/> (if any) and an opening brace, then indents.</summary>
    public void Open(string header = "")
    {
        if (header.Length > 0)
        {
            Line(header);
        }

        Line("{");
        _writer.Indent++;
    }

    public void Close(string suffix = "")
    {
        _writer.Indent--;
        Line("}" + suffix);
    }

    public override string ToString() => _text.ToString();
}
