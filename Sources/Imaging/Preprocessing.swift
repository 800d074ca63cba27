import Tensor

/// How an image is brought to the model's square input before normalisation.
public enum ResizeMode: String, Codable, Sendable, CaseIterable {
    /// torchvision `Resize(size)` (shorter side to `size`) then `CenterCrop(size)`; OpenAI CLIP's
    /// transform and open_clip's `"shortest"`.
    case shortest
    /// Resize straight to `size` x `size`, ignoring the aspect ratio; open_clip's `"squash"`.
    case squash
    /// The competition paper's rule: squash when the aspect ratio is at most 2:1, otherwise cut
    /// the long side (centred) to exactly 2:1 first (`RGBImage.aspectLimitedSquashed`).
    case squashWithinTwoToOne = "squash_within_2_to_1"
}

/// The image preprocessing a model expects: geometry (resize mode, size, interpolation) and
/// per-channel normalisation (x / 255 - mean) / std, producing [3, size, size] tensors
/// (Radford et al., "Learning Transferable Visual Models From Natural Language Supervision", 2021,
/// for the OpenAI CLIP values).
///
/// Images are decoded to RGB before the geometry runs; OpenAI's transform converts to RGB after
/// resizing, which gives the same result for RGB and greyscale inputs (but not for palette or
/// alpha images, which Pillow resizes differently).
public struct Preprocessing: Codable, Sendable, Equatable {
    /// Side of the square output, in pixels.
    public var imageSize: Int
    /// Per-channel mean subtracted after scaling samples to [0, 1] (R, G, B).
    public var mean: [Float]
    /// Per-channel standard deviation divided by after subtracting the mean (R, G, B).
    public var std: [Float]
    /// Resampling kernel of every resize.
    public var interpolation: ResamplingFilter
    /// How the image is fitted to the square.
    public var resizeMode: ResizeMode
    /// For `.shortest`: the shorter side is resized to this many pixels before the centre crop to
    /// `imageSize` (torchvision's `ImageClassification(crop_size:resize_size:)`, e.g. 256 then 224);
    /// `nil` resizes straight to `imageSize`. The squash modes ignore it.
    public var resizeSize: Int?

    /// open_clip's `PreprocessCfg` field names.
    enum CodingKeys: String, CodingKey {
        case imageSize = "size"
        case mean
        case std
        case interpolation
        case resizeMode = "resize_mode"
        case resizeSize = "resize_size"
    }

    public init(imageSize: Int, mean: [Float], std: [Float],
                interpolation: ResamplingFilter = .bicubic, resizeMode: ResizeMode = .shortest,
                resizeSize: Int? = nil) {
        precondition(imageSize > 0, "imageSize must be positive, got \(imageSize)")
        precondition(mean.count == 3 && std.count == 3, "mean and std need 3 values each")
        precondition(resizeSize.map { $0 > 0 } ?? true, "resizeSize must be positive, got \(resizeSize ?? 0)")
        self.imageSize = imageSize
        self.mean = mean
        self.std = std
        self.interpolation = interpolation
        self.resizeMode = resizeMode
        self.resizeSize = resizeSize
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let imageSize = try container.decode(Int.self, forKey: .imageSize)
        let mean = try container.decode([Float].self, forKey: .mean)
        let std = try container.decode([Float].self, forKey: .std)
        guard imageSize > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .imageSize, in: container,
                                                   debugDescription: "size must be positive, got \(imageSize)")
        }
        guard mean.count == 3 else {
            throw DecodingError.dataCorruptedError(forKey: .mean, in: container,
                                                   debugDescription: "mean needs 3 values (R, G, B), got \(mean.count)")
        }
        guard std.count == 3, std.allSatisfy({ $0 != 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .std, in: container,
                                                   debugDescription: "std needs 3 non-zero values (R, G, B), got \(std)")
        }
        let resizeSize = try container.decodeIfPresent(Int.self, forKey: .resizeSize)
        if let resizeSize, resizeSize <= 0 {
            throw DecodingError.dataCorruptedError(forKey: .resizeSize, in: container,
                                                   debugDescription: "resize_size must be positive, got \(resizeSize)")
        }
        self.init(imageSize: imageSize, mean: mean, std: std,
                  interpolation: try container.decodeIfPresent(ResamplingFilter.self, forKey: .interpolation) ?? .bicubic,
                  resizeMode: try container.decodeIfPresent(ResizeMode.self, forKey: .resizeMode) ?? .shortest,
                  resizeSize: resizeSize)
    }

    /// OpenAI CLIP's channel means (R, G, B).
    public static let openAIMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    /// OpenAI CLIP's channel standard deviations (R, G, B).
    public static let openAIStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

    /// OpenAI CLIP at 224 pixels: bicubic shortest-side resize, centre crop, OpenAI mean/std.
    public static let openAICLIP = openAICLIP(imageSize: 224)

    /// OpenAI CLIP's transform at `imageSize` pixels (336 for ViT-L/14@336px).
    public static func openAICLIP(imageSize: Int) -> Preprocessing {
        Preprocessing(imageSize: imageSize, mean: openAIMean, std: openAIStd, interpolation: .bicubic, resizeMode: .shortest)
    }

    /// The competition paper's retrieval preprocessing: the 2:1 aspect rule, bicubic to 224 x 224,
    /// OpenAI CLIP's mean/std (which Chinese-CLIP also uses).
    public static let competitionRetrieval = Preprocessing(
        imageSize: 224, mean: openAIMean, std: openAIStd, interpolation: .bicubic,
        resizeMode: .squashWithinTwoToOne)

    /// The geometric part only: the `imageSize` x `imageSize` 8-bit image the model sees. Throws
    /// `ImageError.outputTooLarge` for an image too thin to resize (see `RGBImage.maximumOutputPixelCount`).
    public func resizedImage(_ image: RGBImage) throws -> RGBImage {
        switch resizeMode {
        case .shortest:
            return try image.resizedShortestSideAndCenterCropped(to: resizeSize ?? imageSize, width: imageSize,
                                                                 height: imageSize, filter: interpolation)
        case .squash:
            return try image.resized(width: imageSize, height: imageSize, filter: interpolation)
        case .squashWithinTwoToOne:
            return try image.aspectLimitedSquashed(to: imageSize, filter: interpolation)
        }
    }

    /// The model input for one image: [3, imageSize, imageSize].
    public func callAsFunction(_ image: RGBImage) throws -> Tensor {
        try resizedImage(image).normalizedTensor(mean: mean, std: std)
    }

    /// The model input for a batch: [N, 3, imageSize, imageSize].
    public func batch(_ images: [RGBImage]) throws -> Tensor {
        Tensor.stackingImages(try images.map { try callAsFunction($0) })
    }
}
