import Models
import Foundation
import Retrieval

/// One search result as the CLI prints it: an image (with its file path) or a caption (with its
/// text and the images it describes).
public struct SearchHit: Codable, Sendable, Equatable {
    /// 1-based.
    public var rank: Int
    /// Cosine similarity of query and result.
    public var score: Float
    /// The item or caption key in the store (relative path, or the data file's id).
    public var key: String
    /// Images: the file indexed (nil for images inside data files).
    public var path: String?
    /// Images from class folders: the class.
    public var label: String?
    /// Captions: the text.
    public var text: String?
    /// Captions: the keys of the images the caption describes.
    public var imageKeys: [String]?
    /// The item's (or caption's) id in the store, which `EmbeddingStore.items(ids:)` looks up.
    public var id: Int64?

    public init(rank: Int, score: Float, key: String, path: String? = nil, label: String? = nil, text: String? = nil,
                imageKeys: [String]? = nil, id: Int64? = nil) {
        self.rank = rank
        self.score = score
        self.key = key
        self.path = path
        self.label = label
        self.text = text
        self.imageKeys = imageKeys
        self.id = id
    }

    enum CodingKeys: String, CodingKey {
        case rank, score, key, path, label, text, id
        case imageKeys = "image_keys"
    }
}
