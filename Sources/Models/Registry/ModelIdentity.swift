import Imaging

/// What makes embeddings comparable: the model's name, a hash of its checkpoint, the embedding
/// width, the image preprocessing and the loading options. An `EmbeddingStore` records the identity it was built with
/// and refuses writes and queries from any other.
public struct ModelIdentity: Codable, Sendable, Equatable, CustomStringConvertible {
    /// A human-readable model name, e.g. `"ViT-B-32/openai"`.
    public var name: String
    /// A hash of the checkpoint's bytes (for example SHA-256 in hex); distinguishes fine-tuned
    /// weights that share a name.
    public var checkpointHash: String
    /// Width of one embedding vector.
    public var dimension: Int
    /// The image preprocessing the model expects; nil for text-only models.
    public var preprocessing: Preprocessing?
    /// The options the model was loaded with (`ModelRegistry.load(_:options:)` reloads it with them).
    public var options: ModelOptions

    public init(name: String, checkpointHash: String, dimension: Int, preprocessing: Preprocessing?,
                options: ModelOptions = ModelOptions()) {
        self.name = name
        self.checkpointHash = checkpointHash
        self.dimension = dimension
        self.preprocessing = preprocessing
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case name
        case checkpointHash = "checkpoint_hash"
        case dimension
        case preprocessing
        case options
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        checkpointHash = try container.decode(String.self, forKey: .checkpointHash)
        dimension = try container.decode(Int.self, forKey: .dimension)
        preprocessing = try container.decodeIfPresent(Preprocessing.self, forKey: .preprocessing)
        options = try container.decodeIfPresent(ModelOptions.self, forKey: .options) ?? ModelOptions()
    }

    public var description: String {
        let shortHash = checkpointHash.count > 12 ? String(checkpointHash.prefix(12)) + "…" : checkpointHash
        let defaults = ModelOptions()
        var choices: [String] = []
        if let activation = options.activation { choices.append("activation \(activation.rawValue)") }
        if options.topCount != defaults.topCount { choices.append("T=\(options.topCount)") }
        if options.labelTemplate != defaults.labelTemplate { choices.append("label template \"\(options.labelTemplate)\"") }
        if let imageTower = options.imageTower { choices.append("image tower \(imageTower)") }
        return "\(name) (checkpoint \(shortHash), dimension \(dimension)\(choices.map { ", " + $0 }.joined()))"
    }

    /// The first field in which `other` differs, in words, or nil when the identities match.
    public func difference(from other: ModelIdentity) -> String? {
        if name != other.name { return "model name \(name) vs \(other.name)" }
        if checkpointHash != other.checkpointHash { return "checkpoint hash \(checkpointHash) vs \(other.checkpointHash)" }
        if dimension != other.dimension { return "embedding dimension \(dimension) vs \(other.dimension)" }
        if preprocessing != other.preprocessing {
            return "image preprocessing \(String(describing: preprocessing)) vs \(String(describing: other.preprocessing))"
        }
        if options != other.options { return options.difference(from: other.options) }
        return nil
    }
}
