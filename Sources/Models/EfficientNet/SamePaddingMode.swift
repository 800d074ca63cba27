/// How a TensorFlow-"SAME" convolution chooses its zero padding.
///
/// TensorFlow pads each input so that the output has ⌈size / stride⌉ pixels:
/// total = max((⌈size/stride⌉ − 1)·stride + (kernel − 1)·dilation + 1 − size, 0), split total/2
/// before and the rest after. The PyTorch port of the EfficientNet-Lite weights
/// (`efficientnet_lite_pytorch`, built by `EfficientNet.from_pretrained`) computes that padding once
/// per layer from the nominal image size of its configuration and keeps it for every input; the
/// two agree whenever the input has the nominal size.
public enum SamePaddingMode: String, Codable, Sendable, CaseIterable {
    /// Padding computed once from the configuration's image size (the reference's
    /// `Conv2dStaticSamePadding`); inputs of another size keep that padding.
    case fixed = "static"
    /// Padding computed from each input's own size (TensorFlow, and the reference's
    /// `Conv2dDynamicSamePadding`).
    case dynamic
}
