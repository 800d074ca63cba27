import Foundation
import Retrieval

/// An embedding store in a fresh temporary file, deleted with its SQLite journal files (`-wal`,
/// `-shm`) when this object goes away: for evaluations that need a store but no lasting one.
public final class TemporaryStore {
    public let store: EmbeddingStore
    private let path: String

    public init(prefix: String = "clipkit") throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString).db")
        path = url.path
        store = try EmbeddingStore(path: url)
    }

    deinit {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
