import FileSystem
import Datasets
import Foundation

/// Where an item's encoded bytes are.
public enum ItemContent: Sendable, Equatable {
    /// A whole file, by its bytes (`FileSystemPath`: names that are not UTF-8 included).
    case file(FileSystemPath)
    /// Base64 text at `offset..<offset + length` of a data file (a Chinese-CLIP image TSV).
    case base64Region(file: URL, offset: Int, length: Int)
    /// Bytes held in memory.
    case bytes(Data)
    /// Nothing will be read: the source refused the item's `path` as written (`reason`, e.g. a
    /// path outside the dataset's image folder); indexing records the reason as the item's failure.
    case refused(path: String, reason: String)

    /// A path or label naming the content in messages.
    public var source: String {
        switch self {
        case let .file(path): return path.escapedText
        case let .base64Region(file, offset, _): return "\(file.path) at byte \(offset)"
        case .bytes: return "<memory>"
        case let .refused(path, _): return path
        }
    }

    /// The encoded bytes. Only regular files are read: a FIFO or a device such as `/dev/zero` is
    /// refused by what it is, and a file over `maximumSize` bytes by its size.
    public func load(maximumSize: Int64 = .max) throws -> Data {
        switch self {
        case let .file(path):
            do throws(FileSystemError) { return Data(try path.contents(maximumSize: maximumSize)) } catch {
                throw DatasetError.unreadable(path: path.escapedText, reason: error.reason)
            }
        case let .base64Region(file, offset, length):
            return try ChineseCLIPImages.imageData(file: file, offset: offset, length: length)
        case let .bytes(data):
            return data
        case let .refused(path, reason):
            throw DatasetError.unknownFormat(path: path, reason: reason)
        }
    }
}

/// One item a source lists: its key, where its bytes are, and the state used for incremental indexing.
public struct SourceItem: Sendable, Equatable {
    /// Unique key: the path relative to the collection root, or the data file's id.
    public var key: String
    public var content: ItemContent
    /// Size and modification time, or nil when the file could not be examined (it is then
    /// reported as a failure when indexed).
    public var fileState: FileState?
    public var contentKind: ContentKind
    public var label: String?
    public var metadata: [String: String]

    public init(key: String, content: ItemContent, fileState: FileState?, contentKind: ContentKind = .image,
                label: String? = nil, metadata: [String: String] = [:]) {
        self.key = key
        self.content = content
        self.fileState = fileState
        self.contentKind = contentKind
        self.label = label
        self.metadata = metadata
    }
}

/// One caption a source lists, with the keys of the items it describes.
public struct SourceCaption: Sendable, Equatable {
    public var key: String
    public var text: String
    public var language: String?
    public var itemKeys: [String]

    public init(key: String, text: String, language: String? = nil, itemKeys: [String]) {
        self.key = key
        self.text = text
        self.language = language
        self.itemKeys = itemKeys
    }
}

/// Everything a source lists: items, captions and the links between them (the ground truth
/// of retrieval evaluation), and what could not be listed.
public struct SourceCatalog: Sendable, Equatable {
    public var items: [SourceItem]
    public var captions: [SourceCaption]
    /// Folders that could not be listed and entries that could not be examined (relative paths,
    /// folders ending in `/`), or links skipped because they lead to a folder already listed; the
    /// indexer reports them with the run's failures.
    public var listingProblems: [ImageFolder.Problem]

    public init(items: [SourceItem], captions: [SourceCaption] = [], listingProblems: [ImageFolder.Problem] = []) {
        self.items = items
        self.captions = captions
        self.listingProblems = listingProblems
    }

    /// Caption key → keys of the items it describes.
    public var itemKeysByCaption: [String: [String]] {
        Dictionary(captions.map { ($0.key, $0.itemKeys) }, uniquingKeysWith: { first, _ in first })
    }

    /// Item key → keys of the captions that describe it.
    public var captionKeysByItem: [String: [String]] {
        var result: [String: [String]] = [:]
        for caption in captions { for item in caption.itemKeys { result[item, default: []].append(caption.key) } }
        return result
    }

    /// Links from captions to items the catalog does not list (missing from the data files).
    public var danglingLinks: [(captionKey: String, itemKey: String)] {
        let known = Set(items.map(\.key))
        return captions.flatMap { caption in caption.itemKeys.filter { !known.contains($0) }.map { (caption.key, $0) } }
    }
}

/// A reader of one collection layout.
public protocol DataSource: Sendable {
    /// Lists the collection's items and captions.
    func catalog() throws -> SourceCatalog
}
