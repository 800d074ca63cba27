/// An item as a batch writes it: its identity in the collection, where it came from, and its
/// embedding.
public struct ItemRecord: Sendable, Equatable {
    /// The item's unique key: a path relative to the collection root, or an id from a data file.
    public var key: String
    /// Size and modification time of the file it came from (for incremental indexing).
    public var fileState: FileState
    public var contentKind: ContentKind
    /// A class label (image-folder-by-class layouts), if any.
    public var label: String?
    /// Free-form metadata, stored as a JSON object.
    public var metadata: [String: String]
    /// The embedding, `dimension` finite values; nil stores the item without one.
    public var embedding: [Float]?

    public init(key: String, fileState: FileState, contentKind: ContentKind = .image, label: String? = nil,
                metadata: [String: String] = [:], embedding: [Float]?) {
        self.key = key
        self.fileState = fileState
        self.contentKind = contentKind
        self.label = label
        self.metadata = metadata
        self.embedding = embedding
    }
}

/// A caption as a batch writes it, with the keys of the items it describes (the ground truth of
/// retrieval evaluation; a caption may describe several items and an item have several captions).
public struct CaptionRecord: Sendable, Equatable {
    /// The caption's unique key (a text id from the data file, or one derived from its position).
    public var key: String
    public var text: String
    /// BCP 47 language tag (`"en"`, `"zh"`), if known.
    public var language: String?
    /// Keys of the items this caption describes.
    public var itemKeys: [String]
    /// The text embedding, `dimension` finite values; nil stores the caption without one.
    public var embedding: [Float]?

    public init(key: String, text: String, language: String? = nil, itemKeys: [String], embedding: [Float]?) {
        self.key = key
        self.text = text
        self.language = language
        self.itemKeys = itemKeys
        self.embedding = embedding
    }
}

/// A file or entry that could not be indexed, and why; kept in the store so a report can list it.
public struct IndexFailure: Sendable, Equatable, Codable {
    /// The item's key (its path or id).
    public var key: String
    /// The file's state when it failed, so an unchanged failing file is not retried every run.
    public var fileState: FileState?
    /// What is wrong, in words a user can act on.
    public var reason: String

    public init(key: String, fileState: FileState?, reason: String) {
        self.key = key
        self.fileState = fileState
        self.reason = reason
    }
}

/// One transaction's worth of writes: items, captions and failures. `EmbeddingStore.upsert` writes
/// all of it or none of it.
public struct IndexBatch: Sendable, Equatable {
    public var items: [ItemRecord]
    public var captions: [CaptionRecord]
    public var failures: [IndexFailure]

    public init(items: [ItemRecord] = [], captions: [CaptionRecord] = [], failures: [IndexFailure] = []) {
        self.items = items
        self.captions = captions
        self.failures = failures
    }

    public var isEmpty: Bool { items.isEmpty && captions.isEmpty && failures.isEmpty }
}

/// An item as the store holds it.
public struct StoredItem: Sendable, Equatable {
    /// The store's row id; stable across updates of the same key, used as the id in faiss indexes.
    public var id: Int64
    public var key: String
    public var fileState: FileState
    public var contentKind: ContentKind
    public var label: String?
    public var metadata: [String: String]
    public var hasEmbedding: Bool
}

/// A caption as the store holds it.
public struct StoredCaption: Sendable, Equatable {
    public var id: Int64
    public var key: String
    public var text: String
    public var language: String?
    public var itemKeys: [String]
    public var hasEmbedding: Bool
}

/// Which table's embeddings: items (images) or captions (texts).
public enum EmbeddingOwner: String, Codable, Sendable, CaseIterable {
    case items
    case captions
}
