import Foundation

/// Recall@K of one direction.
public struct DirectionRecall: Codable, Sendable, Equatable {
    /// Number of queries.
    public var queries: Int
    /// Number of candidates each query was ranked against.
    public var candidates: Int
    /// Recall by K.
    public var recall: [Int: Double]

    public init(queries: Int, candidates: Int, recall: [Int: Double]) {
        self.queries = queries
        self.candidates = candidates
        self.recall = recall
    }

    /// Encoded as `{"queries": …, "candidates": …, "R@1": …, "R@5": …}`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: DynamicCodingKey.self)
        try container.encode(queries, forKey: DynamicCodingKey("queries"))
        try container.encode(candidates, forKey: DynamicCodingKey("candidates"))
        for (k, value) in recall { try container.encode(value, forKey: DynamicCodingKey("R@\(k)")) }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicCodingKey.self)
        queries = try container.decode(Int.self, forKey: DynamicCodingKey("queries"))
        candidates = try container.decode(Int.self, forKey: DynamicCodingKey("candidates"))
        recall = [:]
        for key in container.allKeys where key.stringValue.hasPrefix("R@") {
            if let k = Int(key.stringValue.dropFirst(2)) { recall[k] = try container.decode(Double.self, forKey: key) }
        }
    }
}

/// Recall@K in both directions and their mean, as the competition paper reports it
/// ("mean recall" = the average of R@1, R@5, R@10 of text→image and image→text).
public struct RetrievalEvaluationReport: Codable, Sendable, Equatable {
    public var textToImage: DirectionRecall
    public var imageToText: DirectionRecall
    /// Mean of every recall value of both directions.
    public var meanRecall: Double

    public init(textToImage: DirectionRecall, imageToText: DirectionRecall) {
        self.textToImage = textToImage
        self.imageToText = imageToText
        let values = Array(textToImage.recall.values) + Array(imageToText.recall.values)
        meanRecall = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// The recalls named as training logs name them: `i2t_r1`, `t2i_r5`, …
    public var metrics: [String: Double] {
        var result: [String: Double] = [:]
        for (k, value) in imageToText.recall { result["i2t_r\(k)"] = value }
        for (k, value) in textToImage.recall { result["t2i_r\(k)"] = value }
        return result
    }

    enum CodingKeys: String, CodingKey {
        case textToImage = "text_to_image"
        case imageToText = "image_to_text"
        case meanRecall = "mean_recall"
    }

    /// Pretty, key-sorted JSON.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
