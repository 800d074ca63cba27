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
            throw HubError.invalidRepository(text)
        }
        let revision = parts.count == 2 ? parts[1] : "main"
        guard !revision.isEmpty, !revision.contains(".."), !revision.hasPrefix("/") else { throw HubError.invalidRepository(text) }
        self.init(identifier: identifier, revision: revision)
    }

    public var description: String { revision == "main" ? identifier : "\(identifier)@\(revision)" }

    /// The folder name in the cache: `ORG--NAME`.
    public var cacheFolderName: String { identifier.replacingOccurrences(of: "/", with: "--") }
}

/// One file of a repository as the hub lists it.
public struct HubFile: Codable, Hashable, Sendable {
    /// Path inside the repository.
    public let path: String
    /// Size in bytes, when the hub reports it.
    public let size: Int?
    /// SHA-256 of the content, reported for files stored with Git LFS (weights).
    public let sha256: String?
}

/// A repository's file list at one commit.
public struct HubRepositoryListing: Codable, Sendable {
    public let commit: String
    public let files: [HubFile]
}

/// What went wrong talking to the hub.
public enum HubError: Error, CustomStringConvertible, Equatable {
    case invalidRepository(String)
    case http(url: String, status: Int)
    case network(url: String, reason: String)
    case invalidListing(url: String, reason: String)
    case sizeMismatch(path: String, expected: Int, actual: Int)
    case checksumMismatch(path: String, expected: String, actual: String)
    case noWeights(repository: String, files: [String])

    public var description: String {
        switch self {
        case .invalidRepository(let text):
            return "\(text) is not a repository name: write ORG/NAME or ORG/NAME@REVISION (e.g. openai/clip-vit-base-patch32)"
        case let .http(url, status):
            let hint = status == 401 || status == 403 ? " (a private or gated repository needs HF_TOKEN)"
                : status == 404 ? " (check the repository name and revision)" : ""
            return "the hub answered HTTP \(status) for \(url)\(hint)"
        case let .network(url, reason):
            return "could not reach \(url): \(reason). Set HF_ENDPOINT to a reachable mirror, or copy the files and pass a path"
        case let .invalidListing(url, reason):
            return "unexpected answer from \(url): \(reason)"
        case let .sizeMismatch(path, expected, actual):
            return "\(path): downloaded \(actual) bytes, the hub reports \(expected); run the pull again to resume"
        case let .checksumMismatch(path, expected, actual):
            return "\(path): SHA-256 \(actual) does not match the hub's \(expected); the partial file was removed, pull again"
        case let .noWeights(repository, files):
            return "\(repository) has no weights CLIPKit reads (safetensors or PyTorch .bin/.pt); files: \(files.joined(separator: ", "))"
        }
    }
}
