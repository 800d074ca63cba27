import Foundation

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
    case http(url: String, status: Int)
    case network(url: String, reason: String)
    case invalidListing(url: String, reason: String)
    case sizeMismatch(path: String, expected: Int, actual: Int)
    case checksumMismatch(path: String, expected: String, actual: String)
    case noWeights(repository: String, files: [String])

    public var description: String {
        switch self {
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
