using System.Collections.Generic;
using ConvGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static ConvGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ConvGen.Generator.Parsing;

/// <summary>Checks that the attributed type can take generated members and records how to re-declare it.</summary>
internal static class TargetTypeReader
{
    public static TargetType? Read(INamedTypeSymbol symbol, SyntaxNode node, string attributeName, List<DiagnosticInfo> diagnostics)
    {
        var declaration = (TypeDeclarationSyntax)node;
        var at = LocationInfo.From(declaration.Identifier.GetLocation());
        string name = symbol.Name;

        if (symbol.TypeKind != TypeKind.Class || symbol.IsStatic)
        {
            string kind = symbol.IsStatic ? "a static class" : symbol.IsRecord ? "a record struct" : "a " + symbol.TypeKind.ToString().ToLowerInvariant();
            diagnostics.Add(DiagnosticInfo.Create(TargetMustBeClass, at, name, kind, attributeName));
        }
        else if (!IsPartial(declaration))
        {
            diagnostics.Add(DiagnosticInfo.Create(TypeMustBePartial, at, name));
        }

        if (symbol.IsGenericType)
        {
            diagnostics.Add(DiagnosticInfo.Create(TypeMustNotBeGeneric, at, name));
        }

        var containingTypes = new List<ContainingType>();
        for (var parent = declaration.Parent as TypeDeclarationSyntax; parent is not null; parent = parent.Parent as TypeDeclarationSyntax)
        {
            if (!IsPartial(parent))
            {
                diagnostics.Add(DiagnosticInfo.Create(ContainingTypeMustBePartial, at, parent.Identifier.ValueText, name));
            }
            else if (parent.TypeParameterList is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(TypeMustNotBeGeneric, at, parent.Identifier.ValueText));
            }

            containingTypes.Insert(0, new ContainingType(Keyword(parent), parent.Identifier.ValueText));
        }

        if (diagnostics.Count > 0)
        {
            return null;
        }

        string? ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } containingNamespace
            ? containingNamespace.ToDisplayString()
            : null;
        return new TargetType(ns, name, Keyword(declaration), new EquatableArray<ContainingType>(containingTypes.ToArray()));
    }

    private static bool IsPartial(TypeDeclarationSyntax declaration) => declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

    /// <summary>The keyword(s) that re-declare the type: class, struct, interface, record, record struct.</summary>
    private static string Keyword(TypeDeclarationSyntax declaration) => declaration is RecordDeclarationSyntax record
        ? record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record"
        : declaration.Keyword.ValueText;
}
