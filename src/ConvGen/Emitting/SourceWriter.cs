using System;
using System.CodeDom.Compiler;
using System.IO;

namespace ConvGen.Generator.Emitting;

/// <summary>Indented C# text, one line at a time, with blocks whose braces open and close indentation.</summary>
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

    /// <summary>Writes <paramref name="header"/> (if any) and an opening brace, then indents; disposing the result
    /// unindents and writes the closing brace followed by <paramref name="suffix"/> (such as <c>";"</c>).</summary>
    public BlockScope Block(string header = "", string suffix = "")
    {
        if (header.Length > 0)
        {
            Line(header);
        }

        Line("{");
        _writer.Indent++;
        return new BlockScope(this, suffix);
    }

    public override string ToString() => _text.ToString();

    /// <summary>A block <see cref="Block"/> opened, closed when disposed.</summary>
    internal sealed class BlockScope : IDisposable
    {
        private readonly SourceWriter _owner;
        private readonly string _suffix;

        public BlockScope(SourceWriter owner, string suffix) => (_owner, _suffix) = (owner, suffix);

        public void Dispose()
        {
            _owner._writer.Indent--;
            _owner.Line("}" + _suffix);
        }
    }
}
