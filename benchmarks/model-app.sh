# Sourced by benchmarks/edit-build and benchmarks/start-up: the project of a console app that uses ConvGen from this
# repository (runtime, generator, build targets) and lists one .onnx for [OnnxModel].
#   model_app DIR ONNX [EXTRA_ITEM]     # writes DIR/App.csproj; EXTRA_ITEM is one more MSBuild item line
model_app() {
  cat > "$1/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$root/src/ConvGen.Runtime/ConvGen.Runtime.csproj" />
    <ProjectReference Include="$root/src/ConvGen/ConvGen.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    <AdditionalFiles Include="$2" />
    ${3:-}
  </ItemGroup>
  <Import Project="$root/src/ConvGen.Runtime/build/ConvGen.targets" />
</Project>
XML
}
