import FileSystem
import Foundation

/// An image path as a dataset file writes it (a CSV `image` field, a COCO `file_name`), resolved
/// against the folder the dataset's images live in, and confined to it: a dataset from elsewhere
/// must not make the indexer read `/etc/passwd` or `../../.ssh/id_rsa`. A relative path whose
/// `..` components stay inside the root is fine (`a/../b.png`); an absolute path, or one that
/// climbs above the root, is refused unless the caller allows paths outside the root (the user's
/// own dataset: `--allow-outside-root`). The check is on the written path (lexical); a symbolic
/// link inside the root is the root owner's choice and is followed.
public enum DatasetImagePath {
    /// The file `written` names below `root`, or why it is refused.
    public static func resolve(_ written: String, root: URL, allowingOutsideRoot: Bool) -> Result<FileSystemPath, Refusal> {
        let path = FileSystemPath(written)
        if path.isAbsolute {
            return allowingOutsideRoot ? .success(path) : .failure(Refusal(written: written, isAbsolute: true))
        }
        var depth = 0
        for component in path.components {
            switch component.bytes {
            case [UInt8(ascii: ".")]: continue
            case [UInt8(ascii: "."), UInt8(ascii: ".")]: depth -= 1
            default: depth += 1
            }
            if depth < 0 && !allowingOutsideRoot { return .failure(Refusal(written: written, isAbsolute: false)) }
        }
        return .success(FileSystemPath(root).appending(path))
    }

    /// A path that leaves the dataset's image folder.
    public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        public let written: String
        public let isAbsolute: Bool

        public init(written: String, isAbsolute: Bool) {
            self.written = written
            self.isAbsolute = isAbsolute
        }

        public var description: String {
            (isAbsolute ? "the dataset names an absolute path" : "the path climbs out of the dataset's image folder with \"..\"")
                + "; only files inside the image folder are read (give --allow-outside-root for a dataset you trust)"
        }
    }
}
