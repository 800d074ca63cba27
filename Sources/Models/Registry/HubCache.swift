import Foundation

/// The local cache of hub repositories that `clipkit models pull` fills:
/// `$CLIPKIT_HOME/models/ORG--NAME/snapshots/COMMIT/…`, with `refs/REVISION` naming the commit a
/// revision was pulled at. The registry resolves `ORG/NAME[@REV]` here; it never downloads.
public struct HubCache: Sendable {
    public var directory: URL

    public init(directory: URL = InstalledFiles.hubCache()) {
        self.directory = directory
    }

    /// Models already in the cache, one entry per snapshot.
    public func localModels() -> [LocalModel] {
        let manager = FileManager.default
        guard let repositories = try? manager.contentsOfDirectory(atPath: directory.path) else { return [] }
        return repositories.sorted().flatMap { folder -> [LocalModel] in
            let snapshots = directory.appendingPathComponent("\(folder)/snapshots", isDirectory: true)
            let commits = (try? manager.contentsOfDirectory(atPath: snapshots.path)) ?? []
            let identifier = folder.replacingOccurrences(of: "--", with: "/")
            return commits.sorted().map {
                LocalModel(repository: identifier, commit: $0, directory: snapshots.appendingPathComponent($0, isDirectory: true))
            }
        }
    }

    /// The local snapshot `repository`'s revision points to (the commit recorded by the last
    /// `pull` of that revision), or, when the revision was never pulled by name, the most recently
    /// written snapshot of the repository.
    public func localSnapshot(of repository: HubRepository) -> LocalModel? {
        let snapshots = localModels().filter { $0.repository == repository.identifier }
        let folder = directory.appendingPathComponent(repository.cacheFolderName, isDirectory: true)
        let reference = folder.appendingPathComponent("refs/" + repository.revision.replacingOccurrences(of: "/", with: "%2F"))
        if let commit = try? String(contentsOf: reference, encoding: .utf8), let match = snapshots.first(where: { $0.commit == commit }) {
            return match
        }
        if let exact = snapshots.first(where: { $0.commit == repository.revision }) { return exact }
        func modified(_ model: LocalModel) -> Date {
            ((try? FileManager.default.attributesOfItem(atPath: model.directory.path))?[.modificationDate] as? Date) ?? .distantPast
        }
        return snapshots.max { modified($0) < modified($1) }
    }
}

/// A downloaded snapshot of a repository.
public struct LocalModel: Hashable, Sendable {
    public let repository: String
    public let commit: String
    public let directory: URL

    public init(repository: String, commit: String, directory: URL) {
        self.repository = repository
        self.commit = commit
        self.directory = directory
    }

    /// Files in the snapshot (relative paths), excluding partial downloads.
    public var files: [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var result: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if exists && !isDirectory.boolValue && !path.hasSuffix(".incomplete") { result.append(path) }
        }
        return result.sorted()
    }

    /// Total bytes of the snapshot's files.
    public var byteCount: Int {
        files.reduce(0) { total, path in
            total + ((try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(path).path)[.size] as? Int) ?? 0)
        }
    }
}
