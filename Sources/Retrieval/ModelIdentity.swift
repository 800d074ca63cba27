import Imaging

/// What makes embeddings comparable: the model's name, a hash of its checkpoint, the embedding
/// width and the image preprocessing. An `EmbeddingStore` records the identity it was built with
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

    public init(name: String, checkpointHash: String, dimension: Int, preprocessing: Preprocessing?) {
        self.name = name
        self.checkpointHash = checkpointHash
        self.dimension = dimension
        self.preprocessing = preprocessing
    }

    enum CodingKeys: String, CodingKey {
        case name
        case checkpointHash = "checkpoint_hash"
        case dimension
        case preprocessing
    }

    public var description: String {
        let shortHash = checkpointHash.count > 12 ? String(checkpointHash.prefix(12)) + "…" : checkpointHash
        return "\(name) (checkpoint \(shortHash), dimension \(dimension))"
    }

    /// The first field in which `other` differs, in words, or nil when the identities match.
    public func difference(from other: ModelIdentity) -> String? {
        if name != other.name { return "model name \(name) vs \(other.name)" }
        if checkpointHash != other.checkpointHash { return "checkpoint hash \(checkpointHash) vs \(other.checkpointHash)" }
        if dimension != other.dimension { return "embedding dimension \(dimension) vs \(other.dimension)" }
        if preprocessing != other.preprocessing {
            return "image preprocessing \(String(describing: preprocessing)) vs \(String(describing: other.preprocessing))"
        }
        return nil
    }
}
