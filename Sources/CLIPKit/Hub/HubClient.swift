import Checkpoint
import Foundation
import Models
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads model repositories from the Hugging Face hub into CLIPKit's cache.
///
/// - Endpoint: `$HF_ENDPOINT` (a mirror) or `https://huggingface.co`; token: `$HF_TOKEN`.
/// - Listing: `GET {endpoint}/api/models/{id}/revision/{revision}?blobs=true` gives the commit and
///   every file with its size and, for LFS files, its SHA-256.
/// - Files: `GET {endpoint}/{id}/resolve/{commit}/{path}`, streamed to `<path>.incomplete`, resumed
///   with `Range` after an interruption, checked against the size and SHA-256 the hub reported,
///   then moved into place. Files already present with the right size are not fetched again.
/// - Cache: `$CLIPKIT_HOME/models/ORG--NAME/snapshots/COMMIT/…` and `refs/REVISION` → commit.
public struct HubClient: Sendable {
    public var endpoint: URL
    public var cacheDirectory: URL
    public var token: String?

    public init(endpoint: URL? = nil, cacheDirectory: URL? = nil, token: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        let endpointText = environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://huggingface.co"
        self.endpoint = endpoint ?? URL(string: endpointText.hasSuffix("/") ? String(endpointText.dropLast()) : endpointText)!
        self.cacheDirectory = cacheDirectory ?? InstalledFiles.hubCache(environment: environment)
        self.token = token ?? environment["HF_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private var headers: [String: String] {
        var result = ["User-Agent": "clipkit/0.1"]
        if let token { result["Authorization"] = "Bearer \(token)" }
        return result
    }

    /// The repository's commit and files at its revision.
    public func listing(of repository: HubRepository) throws -> HubRepositoryListing {
        let revision = repository.revision.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? repository.revision
        let url = URL(string: "\(endpoint.absoluteString)/api/models/\(repository.identifier)/revision/\(revision)?blobs=true")!
        let (data, _) = try HTTPTransfer.fetch(url, headers: headers)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HubError.invalidListing(url: url.absoluteString, reason: "not a JSON object")
        }
        guard let commit = object["sha"] as? String, let siblings = object["siblings"] as? [[String: Any]] else {
            throw HubError.invalidListing(url: url.absoluteString, reason: "no sha or siblings")
        }
        let files = siblings.compactMap { sibling -> HubFile? in
            guard let path = sibling["rfilename"] as? String, Self.isSafeRelativePath(path) else { return nil }
            let lfs = sibling["lfs"] as? [String: Any]
            return HubFile(path: path, size: (lfs?["size"] as? Int) ?? (sibling["size"] as? Int), sha256: lfs?["sha256"] as? String)
        }
        return HubRepositoryListing(commit: commit, files: files)
    }

    /// The files CLIPKit needs from a repository: configuration, tokenizer and preprocessing
    /// files, and one set of weights (safetensors preferred over PyTorch pickles; sharded
    /// checkpoints with their index).
    public static func defaultSelection(_ files: [HubFile]) -> [HubFile] {
        let supporting = files.filter { file in
            let name = (file.path as NSString).lastPathComponent
            return !file.path.contains("/") && (name.hasSuffix(".json") || name.hasSuffix(".txt") || name == "merges.txt")
        }
        let weightPreferences: [(String) -> Bool] = [
            { $0 == "model.safetensors" || ($0.hasPrefix("model-") && $0.hasSuffix(".safetensors")) },
            { $0 == "open_clip_model.safetensors" },
            { $0 == "open_clip_pytorch_model.bin" },
            { $0 == "pytorch_model.bin" || ($0.hasPrefix("pytorch_model-") && $0.hasSuffix(".bin")) },
            { $0.hasSuffix(".pt") || $0.hasSuffix(".pth") },
        ]
        for matches in weightPreferences {
            let weights = files.filter { !$0.path.contains("/") && matches($0.path) }
            if !weights.isEmpty { return supporting + weights }
        }
        return supporting
    }

    /// Downloads the selected files of `repository` (default: `defaultSelection`) and returns
    /// the local snapshot. `progress` receives (file, bytes so far, total bytes if known).
    @discardableResult
    public func pull(_ repository: HubRepository, select: ([HubFile]) -> [HubFile] = HubClient.defaultSelection,
                     progress: (String, Int, Int?) -> Void = { _, _, _ in }) throws -> LocalModel {
        let listing = try listing(of: repository)
        let chosen = select(listing.files)
        guard chosen.contains(where: { [".safetensors", ".bin", ".pt", ".pth"].contains(where: $0.path.hasSuffix) }) else {
            throw HubError.noWeights(repository: repository.description, files: listing.files.map(\.path))
        }
        let repositoryFolder = cacheDirectory.appendingPathComponent(repository.cacheFolderName, isDirectory: true)
        let snapshot = repositoryFolder.appendingPathComponent("snapshots/\(listing.commit)", isDirectory: true)
        try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
        for file in chosen {
            try fetch(file, of: repository, commit: listing.commit, into: snapshot, progress: progress)
        }
        let refs = repositoryFolder.appendingPathComponent("refs", isDirectory: true)
        try FileManager.default.createDirectory(at: refs, withIntermediateDirectories: true)
        try Data(listing.commit.utf8).write(to: refs.appendingPathComponent(repository.revision.replacingOccurrences(of: "/", with: "%2F")))
        return LocalModel(repository: repository.identifier, commit: listing.commit, directory: snapshot)
    }

    private func fetch(_ file: HubFile, of repository: HubRepository, commit: String, into snapshot: URL,
                       progress: (String, Int, Int?) -> Void) throws {
        let destination = snapshot.appendingPathComponent(file.path)
        let manager = FileManager.default
        if let size = file.size, let existing = try? manager.attributesOfItem(atPath: destination.path)[.size] as? Int,
           existing == size {
            progress(file.path, size, size)
            return
        }
        let partial = destination.appendingPathExtension("incomplete")
        let offset = (try? manager.attributesOfItem(atPath: partial.path)[.size] as? Int) ?? 0
        let path = file.path.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }
        let url = URL(string: "\(endpoint.absoluteString)/\(repository.identifier)/resolve/\(commit)/\(path.joined(separator: "/"))")!
        try withoutActuallyEscaping(progress) { progress in
            try HTTPTransfer.download(url, headers: headers, into: partial, offset: offset) { bytesInFile in
                progress(file.path, bytesInFile, file.size)
            }
        }
        let actualSize = (try manager.attributesOfItem(atPath: partial.path)[.size] as? Int) ?? 0
        if let size = file.size, actualSize != size {
            throw HubError.sizeMismatch(path: file.path, expected: size, actual: actualSize)
        }
        if let expected = file.sha256 {
            let actual = try SHA256.hexDigest(ofFile: partial)
            guard actual == expected.lowercased() else {
                try? manager.removeItem(at: partial)
                throw HubError.checksumMismatch(path: file.path, expected: expected, actual: actual)
            }
        }
        if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
        try manager.moveItem(at: partial, to: destination)
    }

    /// The cache this client downloads into.
    public var cache: HubCache { HubCache(directory: cacheDirectory) }

    /// Models already in the cache, one entry per snapshot.
    public func localModels() -> [LocalModel] { cache.localModels() }

    /// Rejects absolute paths and `..` so a hostile listing cannot write outside the cache.
    static func isSafeRelativePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains("..") && !path.contains("\\")
    }
}
