namespace ConvGen;

/// <summary>The order of the colour channels a model expects in its NCHW input.</summary>
public enum ChannelOrder
{
    /// <summary>Red, green, blue: torchvision's models and most others.</summary>
    Rgb,

    /// <summary>Blue, green, red: models trained on OpenCV-decoded images (Caffe's, for one).</summary>
    Bgr,
}
