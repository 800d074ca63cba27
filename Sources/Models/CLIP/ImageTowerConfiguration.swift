/// Which image tower a CLIP model has, with its shape.
///
/// Encoded as the tower's own configuration; decoding tells them apart as OpenCLIP does: a list
/// of per-stage depths under `layers` is a modified ResNet, a single number a vision transformer.
public enum ImageTowerConfiguration: Codable, Sendable, Equatable {
    case visionTransformer(VisionTransformerConfiguration)
    case modifiedResNet(ModifiedResNetConfiguration)

    private enum CodingKeys: String, CodingKey { case layers }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if (try? container.decode([Int].self, forKey: .layers)) != nil {
            self = .modifiedResNet(try ModifiedResNetConfiguration(from: decoder))
        } else {
            self = .visionTransformer(try VisionTransformerConfiguration(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .visionTransformer(configuration): try configuration.encode(to: encoder)
        case let .modifiedResNet(configuration): try configuration.encode(to: encoder)
        }
    }

    /// Width of the image embedding.
    public var outputDimension: Int {
        switch self {
        case let .visionTransformer(configuration): configuration.outputDimension
        case let .modifiedResNet(configuration): configuration.outputDimension
        }
    }

    /// Side of the square input image, in pixels.
    public var imageSize: Int {
        switch self {
        case let .visionTransformer(configuration): configuration.imageSize
        case let .modifiedResNet(configuration): configuration.imageSize
        }
    }
}
