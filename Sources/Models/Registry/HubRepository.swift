import Foundation

/// A model repository on the Hugging Face hub, written `ORG/NAME` or `ORG/NAME@REVISION`.
public struct HubRepository: Hashable, Sendable, CustomStringConvertible {
    public let identifier: String
    public let revision: String

    public init(identifier: String, revision: String = "main") {
        self.identifier = identifier
        self.revision = revision
    }

    /// Parses `ORG/NAME[@REVISION]`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
        let identifier = parts.first ?? ""
        let pieces = identifier.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        guard pieces.count == 2, pieces.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(allowed.contains) }),
              !identifier.contains("..") else {
            throw ModelError.invalidRepository(text)
        }
        let revision = parts.count == 2 ? parts[1] : "main"
        guard !revision.isEmpty, !revision.contains(".."), !revision.hasPrefix("/") else { throw ModelError.invalidRepository(text) }
        self.init(identifier: identifier, revision: revision)
    }

    public var description: String { revision == "main" ? identifier : "\(identifier)@\(revision)" }

    /// The folder name in the cache: `ORG--NAME`.
    public var cacheFolderName: String { identifier.replacingOccurrences(of: "/", with: "--") }
}
