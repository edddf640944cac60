namespace ConvGen;

/// <summary>How the bytes of an interleaved 8-bit image (HWC: row after row, pixel after pixel) hold its channels;
/// the input of <see cref="ImageInput.ToNchw(System.ReadOnlySpan{byte}, PixelLayout, int, int, System.Span{float}, ImageNormalization, ChannelOrder)"/>.</summary>
public enum PixelLayout
{
    /// <summary>One byte per pixel: grey. Gives one channel.</summary>
    Gray8,

    /// <summary>Three bytes per pixel: red, green, blue (PNG, JPEG decoders, PIL). Gives three channels.</summary>
    Rgb24,

    /// <summary>Three bytes per pixel: blue, green, red (OpenCV's default). Gives three channels.</summary>
    Bgr24,

    /// <summary>Four bytes per pixel: red, green, blue, alpha. Gives three channels; alpha is dropped.</summary>
    Rgba32,

    /// <summary>Four bytes per pixel: blue, green, red, alpha (Windows bitmaps, System.Drawing's 32bppArgb in memory).
    /// Gives three channels; alpha is dropped.</summary>
    Bgra32,
}
