using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace ConvGen.Samples.ImageFilters;

/// <summary>An 8-bit image, pixels interleaved row by row (RGB or RGBA).</summary>
public sealed record Image(int Width, int Height, int Channels, byte[] Pixels);

/// <summary>
/// A minimal PNG codec on <see cref="ZLibStream"/>, no native dependency. Reads non-interlaced 8-bit
/// greyscale, grey+alpha, RGB and RGBA with all five row filters (None, Sub, Up, Average, Paeth);
/// ancillary chunks are skipped. Writes 8-bit RGB, choosing per row the filter with the smallest
/// sum of absolute values (libpng's heuristic).
/// </summary>
public static class Png
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static Image Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new InvalidDataException($"{path} is not a PNG file.");
        }

        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        int at = 8;
        while (at + 12 <= file.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            if (length < 0 || at + 12L + length > file.Length)
            {
                throw new InvalidDataException($"{path}: chunk {type} runs past the end of the file.");
            }

            var data = file.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    byte bitDepth = data[8], colorType = data[9], interlace = data[12];
                    channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 0 };
                    if (bitDepth != 8 || channels == 0 || interlace != 0 || width <= 0 || height <= 0)
                    {
                        throw new NotSupportedException(
                            $"{path}: only non-interlaced 8-bit grey, grey+alpha, RGB and RGBA PNGs are supported " +
                            $"(bit depth {bitDepth}, colour type {colorType}, interlace {interlace}).");
                    }

                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    at = file.Length;
                    continue;
            }

            at += 12 + length;
        }

        if (channels == 0)
        {
            throw new InvalidDataException($"{path}: no IHDR chunk.");
        }

        int stride = width * channels;
        var raw = new byte[(long)(stride + 1) * height];
        idat.Position = 0;
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.ReadExactly(raw);
        }

        var pixels = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[(long)y * (stride + 1)];
            var line = raw.AsSpan((y * (stride + 1)) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> up = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? row[i - channels] : 0;
                int b = up[i];
                int c = i >= channels ? up[i - channels] : 0;
                row[i] = (byte)(line[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) >> 1,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"{path}: row {y} has unknown filter type {filter}."),
                });
            }
        }

        return new Image(width, height, channels, pixels);
    }

    public static void WriteRgb(string path, int width, int height, ReadOnlySpan<byte> rgb)
    {
        int stride = width * 3;
        if (rgb.Length != stride * height)
        {
            throw new ArgumentException($"expected {stride * height} bytes of RGB, got {rgb.Length}.", nameof(rgb));
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var candidates = new byte[5][];
            for (int f = 0; f < 5; f++)
            {
                candidates[f] = new byte[stride + 1];
            }

            var zero = new byte[stride];
            for (int y = 0; y < height; y++)
            {
                var row = rgb.Slice(y * stride, stride);
                var up = y > 0 ? rgb.Slice((y - 1) * stride, stride) : zero;
                int best = 0;
                long bestScore = long.MaxValue;
                for (int f = 0; f < 5; f++)
                {
                    var line = candidates[f];
                    line[0] = (byte)f;
                    long score = 0;
                    for (int i = 0; i < stride; i++)
                    {
                        int a = i >= 3 ? row[i - 3] : 0, b = up[i], c = i >= 3 ? up[i - 3] : 0;
                        int predicted = f switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) >> 1, _ => Paeth(a, b, c) };
                        byte value = (byte)(row[i] - predicted);
                        line[i + 1] = value;
                        score += (sbyte)value < 0 ? -(sbyte)value : value;
                    }

                    if (score < bestScore)
                    {
                        bestScore = score;
                        best = f;
                    }
                }

                zlib.Write(candidates[best]);
            }
        }

        using var file = File.Create(path);
        file.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: RGB
        header[10] = header[11] = header[12] = 0;  // deflate, adaptive filtering, no interlace
        WriteChunk(file, "IHDR", header);
        WriteChunk(file, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(file, "IEND", []);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        for (int i = 0; i < 4; i++)
        {
            typeBytes[i] = (byte)type[i];
        }

        stream.Write(typeBytes);
        stream.Write(data);
        uint crc = Crc32(Crc32(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        stream.Write(word);
    }

    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    private static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }
}
