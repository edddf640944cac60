using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ConvGen.Generator.Model;

/// <summary>A source location as plain values (a <see cref="Location"/> holds the syntax tree alive and is not cache-friendly).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    public static LocationInfo? From(Location location) =>
        location.SourceTree is null ? null : new(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}
