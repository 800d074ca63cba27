import Foundation

/// A text file naming the classes of class folders, in one of two forms:
/// - one name per line, line i naming the i-th class folder in sorted order (as CLIP_benchmark's
///   class-name lists follow torchvision's sorted `ImageFolder` classes);
/// - `folder<TAB>name` per line, naming each folder explicitly (ImageNet's WordNet ids).
/// UTF-8, `\n` or `\r\n` line ends, a byte-order mark skipped; names are trimmed and must not be
/// empty; a file uses one form throughout.
public struct ClassNamesFile: Sendable, Equatable {
    /// One non-blank line: the folder it names (tab form) and the name.
    public struct Entry: Sendable, Equatable {
        public var line: Int
        public var folder: String?
        public var name: String
    }

    public let path: String
    public let entries: [Entry]

    public init(contentsOf url: URL) throws {
        let data = try DatasetFile.data(of: url)
        path = url.path
        entries = try data.withUnsafeBytes { bytes in
            try DatasetFile.lines(in: bytes, from: DatasetFile.byteOrderMarkLength(bytes)).compactMap { number, range in
                let text = try DatasetFile.text(UnsafeRawBufferPointer(rebasing: bytes[range]), path: url.path, line: number)
                if text.allSatisfy(\.isWhitespace) { return nil }
                let parts = text.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
                let folder = parts.count == 2 ? String(parts[0]) : nil
                let name = String(parts.last!).trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, folder.map({ !$0.isEmpty }) ?? true else {
                    throw DatasetError.malformed(path: url.path, line: number, reason: "expected a class name or folder<TAB>name")
                }
                return Entry(line: number, folder: folder, name: name)
            }
        }
        if let first = entries.first, let mixed = entries.first(where: { ($0.folder == nil) != (first.folder == nil) }) {
            throw DatasetError.malformed(path: path, line: mixed.line, reason: "mixes lines with and without a folder<TAB> prefix")
        }
    }

    /// The name of each of `folders` (sorted class folders).
    public func names(forFolders folders: [String]) throws -> [String] {
        guard entries.first?.folder != nil else {
            guard entries.count == folders.count else {
                throw DatasetError.malformed(path: path, line: (entries.last?.line ?? 0) + 1,
                                             reason: "the file names \(entries.count) classes but there are \(folders.count) class folders")
            }
            return entries.map(\.name)
        }
        var names: [String: String] = [:]
        for entry in entries {
            guard folders.contains(entry.folder!) else {
                throw DatasetError.malformed(path: path, line: entry.line, reason: "there is no class folder \"\(entry.folder!)\"")
            }
            guard names.updateValue(entry.name, forKey: entry.folder!) == nil else {
                throw DatasetError.malformed(path: path, line: entry.line, reason: "the folder \"\(entry.folder!)\" is named twice")
            }
        }
        return try folders.map { folder in
            guard let name = names[folder] else {
                throw DatasetError.malformed(path: path, line: (entries.last?.line ?? 0) + 1, reason: "the class folder \"\(folder)\" has no name here")
            }
            return name
        }
    }
}
