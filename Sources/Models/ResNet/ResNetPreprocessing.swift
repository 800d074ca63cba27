import Imaging

extension Preprocessing {
    /// ImageNet's channel means (R, G, B), as torchvision normalises.
    public static let imageNetMean: [Float] = [0.485, 0.456, 0.406]
    /// ImageNet's channel standard deviations (R, G, B).
    public static let imageNetStd: [Float] = [0.229, 0.224, 0.225]

    /// torchvision's classification transform of its original ImageNet weights (`IMAGENET1K_V1`):
    /// bilinear resize of the shorter side to 256, centre crop 224, ImageNet mean/std.
    public static let torchvisionImageNet = Preprocessing(
        imageSize: 224, mean: imageNetMean, std: imageNetStd, interpolation: .bilinear, resizeMode: .shortest,
        resizeSize: 256)
}
