using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ConvGen;

/// <summary>
/// The kernel behind <see cref="ImageInput"/>: de-interleaves one channel of 16 pixels at a time into a
/// <see cref="Vector128{T}"/> of bytes (byte shuffles of the pixels' 16, 48 or 64 bytes), widens it to floats and
/// normalises them at the widest accelerated vector width. Every path computes (x / 255 - mean) / std with the same
/// three IEEE float32 operations, so Vector512, Vector256, Vector128 and scalar give the same bits. A plane whose
/// length is not a multiple of 16 ends with a block that overlaps the one before it; planes under 16 pixels, and
/// machines without Vector128, run the scalar loop.
/// </summary>
internal static class ImagePlanes
{
    /// <summary>Pixels per vector step: one <see cref="Vector128{T}"/> of one channel's bytes.</summary>
    private const int Block = 16;

    /// <summary>Index that <see cref="Vector128.ShuffleNative(Vector128{byte}, Vector128{byte})"/> turns into a zero byte on
    /// every platform: x86's pshufb zeroes lanes whose index has the high bit set, Arm's tbl those at 16 or more.</summary>
    private const byte Zero = 0xFF;

    /// <summary>For each image of <paramref name="plane"/> pixels and each output channel c:
    /// output plane c = (byte <paramref name="source"/>[c] of each pixel / 255 - mean[c]) / std[c].
    /// The caller has checked every length.</summary>
    public static void Convert(
        ReadOnlySpan<byte> pixels, int bytesPerPixel, ReadOnlySpan<int> source, int plane,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> std, Span<float> output)
    {
        int channels = source.Length;
        int images = output.Length / (channels * plane);
        for (int n = 0; n < images; n++)
        {
            ReadOnlySpan<byte> image = pixels.Slice(n * plane * bytesPerPixel, plane * bytesPerPixel);
            for (int c = 0; c < channels; c++)
            {
                Span<float> destination = output.Slice(((n * channels) + c) * plane, plane);
                if (!Vector128.IsHardwareAccelerated || plane < Block)
                {
                    Scalar(image, bytesPerPixel, source[c], mean[c], std[c], destination);
                }
                else if (bytesPerPixel == 1)
                {
                    Vectors(new OneByte(), image, mean[c], std[c], destination);
                }
                else if (bytesPerPixel == 3)
                {
                    Vectors(new ThreeBytes(source[c]), image, mean[c], std[c], destination);
                }
                else
                {
                    Vectors(new FourBytes(source[c]), image, mean[c], std[c], destination);
                }
            }
        }
    }

    /// <summary>The definition, one value at a time: torchvision's float32 divide, subtract, divide.</summary>
    private static void Scalar(ReadOnlySpan<byte> image, int bytesPerPixel, int offset, float mean, float std, Span<float> plane)
    {
        for (int p = 0; p < plane.Length; p++)
        {
            plane[p] = ((image[(p * bytesPerPixel) + offset] / 255f) - mean) / std;
        }
    }

    /// <summary>Blocks of 16 pixels; the last one overlaps its neighbour when the plane is not a multiple of 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Vectors<TReader>(TReader reader, ReadOnlySpan<byte> image, float mean, float std, Span<float> plane)
        where TReader : struct, IBlockReader
    {
        ref byte pixels = ref MemoryMarshal.GetReference(image);
        ref float destination = ref MemoryMarshal.GetReference(plane);
        nuint last = (nuint)(plane.Length - Block);
        for (nuint p = 0; ; p += Block)
        {
            p = nuint.Min(p, last);
            Store(reader.Read(ref pixels, p), mean, std, ref destination, p);
            if (p == last)
            {
                return;
            }
        }
    }

    /// <summary>Normalises 16 bytes and stores them as 16 floats at <paramref name="destination"/> + <paramref name="p"/>,
    /// with the widest accelerated vectors (the checks are JIT constants).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<byte> values, float mean, float std, ref float destination, nuint p)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<int> x = Vector512.WidenLower(Vector512.WidenLower(values.ToVector256Unsafe().ToVector512Unsafe())).AsInt32();
            Normalise(Vector512.ConvertToSingle(x), mean, std).StoreUnsafe(ref destination, p);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ushort> x = Vector256.WidenLower(values.ToVector256Unsafe());
            Normalise(Vector256.ConvertToSingle(Vector256.WidenLower(x).AsInt32()), mean, std).StoreUnsafe(ref destination, p);
            Normalise(Vector256.ConvertToSingle(Vector256.WidenUpper(x).AsInt32()), mean, std).StoreUnsafe(ref destination, p + 8);
        }
        else
        {
            Vector128<ushort> low = Vector128.WidenLower(values), high = Vector128.WidenUpper(values);
            Normalise(Vector128.ConvertToSingle(Vector128.WidenLower(low).AsInt32()), mean, std).StoreUnsafe(ref destination, p);
            Normalise(Vector128.ConvertToSingle(Vector128.WidenUpper(low).AsInt32()), mean, std).StoreUnsafe(ref destination, p + 4);
            Normalise(Vector128.ConvertToSingle(Vector128.WidenLower(high).AsInt32()), mean, std).StoreUnsafe(ref destination, p + 8);
            Normalise(Vector128.ConvertToSingle(Vector128.WidenUpper(high).AsInt32()), mean, std).StoreUnsafe(ref destination, p + 12);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Normalise(Vector512<float> x, float mean, float std) =>
        ((x / Vector512.Create(255f)) - Vector512.Create(mean)) / Vector512.Create(std);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Normalise(Vector256<float> x, float mean, float std) =>
        ((x / Vector256.Create(255f)) - Vector256.Create(mean)) / Vector256.Create(std);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Normalise(Vector128<float> x, float mean, float std) =>
        ((x / Vector128.Create(255f)) - Vector128.Create(mean)) / Vector128.Create(std);

    /// <summary>Reads one channel of 16 consecutive pixels.</summary>
    private interface IBlockReader
    {
        /// <summary>The channel's bytes of pixels <paramref name="p"/> to <paramref name="p"/> + 15.</summary>
        Vector128<byte> Read(ref byte pixels, nuint p);
    }

    /// <summary>Grey: the bytes are the channel.</summary>
    private readonly struct OneByte : IBlockReader
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<byte> Read(ref byte pixels, nuint p) => Vector128.LoadUnsafe(ref pixels, p);
    }

    /// <summary>RGB or BGR: 16 pixels are three vectors; each gives the channel's bytes it holds to one shuffle.</summary>
    private readonly struct ThreeBytes : IBlockReader
    {
        private readonly Vector128<byte> _first, _second, _third;

        public ThreeBytes(int offset)
        {
            _first = Indices(offset, 3, 0);
            _second = Indices(offset, 3, 1);
            _third = Indices(offset, 3, 2);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<byte> Read(ref byte pixels, nuint p)
        {
            nuint at = 3 * p;
            return Vector128.ShuffleNative(Vector128.LoadUnsafe(ref pixels, at), _first)
                | Vector128.ShuffleNative(Vector128.LoadUnsafe(ref pixels, at + 16), _second)
                | Vector128.ShuffleNative(Vector128.LoadUnsafe(ref pixels, at + 32), _third);
        }
    }

    /// <summary>RGBA or BGRA: 16 pixels are four vectors of four pixels each.</summary>
    private readonly struct FourBytes : IBlockReader
    {
        private readonly Vector128<byte> _first, _second, _third, _fourth;

        public FourBytes(int offset)
        {
            _first = Indices(offset, 4, 0);
            _second = Indices(offset, 4, 1);
            _third = Indices(offset, 4, 2);
            _fourth = Indices(offset, 4, 3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<byte> Read(ref byte pixels, nuint p)
        {
            nuint at = 4 * p;
            return Vector128.ShuffleNative(Vector128.LoadUnsafe(ref pixels, at), _first)
                | Vector128.ShuffleNative(Vector128.LoadUnsafe(ref pixels, at + 16), _second)
                | Vector128.ShuffleNative(Vector128.LoadUnsafe(ref pixels, at + 32), _third)
                | Vector128.ShuffleNative(Vector128.LoadUnsafe(ref pixels, at + 48), _fourth);
        }
    }

    /// <summary>The shuffle that moves byte <paramref name="offset"/> of each pixel held by source vector
    /// <paramref name="part"/> (of 16 pixels of <paramref name="bytesPerPixel"/> bytes) to the pixel's lane, zeroing
    /// the other lanes.</summary>
    private static Vector128<byte> Indices(int offset, int bytesPerPixel, int part)
    {
        Span<byte> indices = stackalloc byte[Block];
        for (int pixel = 0; pixel < Block; pixel++)
        {
            int index = (pixel * bytesPerPixel) + offset - (16 * part);
            indices[pixel] = index is >= 0 and < 16 ? (byte)index : Zero;
        }

        return Vector128.Create<byte>(indices);
    }
}
