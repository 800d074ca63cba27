import Foundation

/// One entry of a sentence-transformers folder's `modules.json`: a pipeline stage, its class and
/// the subfolder holding its files (empty for the folder itself).
public struct SentenceTransformerModule: Codable, Sendable, Equatable {
    public var index: Int
    public var name: String
    public var path: String
    /// The Python class, e.g. `sentence_transformers.models.Pooling`.
    public var type: String

    enum CodingKeys: String, CodingKey {
        case index = "idx"
        case name
        case path
        case type
    }

    /// The stages CLIPKit runs.
    public enum Kind: String, Sendable {
        case transformer = "Transformer"
        case pooling = "Pooling"
        case normalize = "Normalize"
    }

    /// The stage this entry names (the class name after the last dot), if CLIPKit runs it.
    public var kind: Kind? {
        Kind(rawValue: String(type.split(separator: ".").last ?? ""))
    }

    /// Reads `modules.json`, in pipeline order.
    public static func pipeline(contentsOf url: URL) throws -> [SentenceTransformerModule] {
        try decodeJSONFile([SentenceTransformerModule].self, at: url).sorted { $0.index < $1.index }
    }
}
