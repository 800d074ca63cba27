import Imaging

extension Preprocessing {
    /// The Lite models' "inception-style" normalisation: (x − 127) / 128 on 0…255 samples, i.e.
    /// mean 127/255 ≈ 0.498 and std 128/255 ≈ 0.502 per channel (TensorFlow's
    /// `efficientnet_lite_builder.MEAN_RGB` / `STDDEV_RGB`, chosen for post-training quantisation).
    public static let efficientNetLiteMean: [Float] = Array(repeating: Float(127.0 / 255.0 as Double), count: 3)
    /// See `efficientNetLiteMean`.
    public static let efficientNetLiteStd: [Float] = Array(repeating: Float(128.0 / 255.0 as Double), count: 3)

    /// EfficientNet-Lite evaluation preprocessing: bicubic resize of the shorter side to
    /// `imageSize + 32`, centre crop to `imageSize`, then (x/255 − 0.498)/0.502. TensorFlow's
    /// evaluation crops a centred imageSize/(imageSize + 32) of the shorter side and resizes it
    /// bicubically; this is the torchvision form of the same crop (Resize(256) + CenterCrop(224)
    /// at 224 pixels).
    public static func efficientNetLite(imageSize: Int) -> Preprocessing {
        Preprocessing(imageSize: imageSize, mean: efficientNetLiteMean, std: efficientNetLiteStd,
                      interpolation: .bicubic, resizeMode: .shortest, resizeSize: imageSize + 32)
    }

    /// EfficientNet-Lite0 at 224 pixels (resize to 256, crop 224).
    public static let efficientNetLite0 = efficientNetLite(imageSize: 224)
}
