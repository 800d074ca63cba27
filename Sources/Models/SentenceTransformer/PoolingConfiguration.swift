import Foundation

/// A sentence-transformers `Pooling` module's `config.json`: the token-embedding width and the
/// pooling modes whose results are concatenated.
///
/// Both spellings are read: the current `"pooling_mode": "mean"` (a string or a list) and the
/// legacy flags `"pooling_mode_mean_tokens": true, …` (all false means mean, as in
/// sentence-transformers).
public struct PoolingConfiguration: Codable, Sendable, Equatable {
    /// Width of each token embedding.
    public var embeddingDimension: Int
    /// Modes in concatenation order.
    public var modes: [PoolingMode]

    public init(embeddingDimension: Int, modes: [PoolingMode] = [.mean]) {
        precondition(!modes.isEmpty, "pooling needs at least one mode")
        self.embeddingDimension = embeddingDimension
        self.modes = modes
    }

    /// Width of the pooled vector: one embedding per mode.
    public var outputDimension: Int { embeddingDimension * modes.count }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let dimensionKey = [AnyKey("embedding_dimension"), AnyKey("word_embedding_dimension")].first { container.contains($0) }
        guard let dimensionKey else {
            throw DecodingError.keyNotFound(AnyKey("word_embedding_dimension"),
                                            .init(codingPath: decoder.codingPath, debugDescription: "no embedding dimension"))
        }
        let dimension = try container.decode(Int.self, forKey: dimensionKey)
        var modes: [PoolingMode]
        if container.contains(AnyKey("pooling_mode")) {
            if let single = try? container.decode(PoolingMode.self, forKey: AnyKey("pooling_mode")) {
                modes = [single]
            } else {
                modes = try container.decode([PoolingMode].self, forKey: AnyKey("pooling_mode"))
            }
        } else {
            modes = try PoolingMode.legacyFlags.compactMap { flag in
                try container.decodeIfPresent(Bool.self, forKey: AnyKey(flag.key)) == true ? flag.mode : nil
            }
            if modes.isEmpty { modes = [.mean] }
        }
        guard !modes.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: AnyKey("pooling_mode"), in: container,
                                                   debugDescription: "no pooling mode")
        }
        self.init(embeddingDimension: dimension, modes: modes)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(embeddingDimension, forKey: AnyKey("embedding_dimension"))
        try container.encode(modes.map(\.rawValue), forKey: AnyKey("pooling_mode"))
    }

    /// Reads `1_Pooling/config.json` (or another Pooling module's `config.json`).
    public init(contentsOf url: URL) throws {
        self = try decodeJSONFile(Self.self, at: url)
    }
}
