import Foundation

/// A thread-safe memo of word → token ids, as open_clip's `SimpleTokenizer.cache` and Hugging
/// Face's WordPiece cache keep. It is emptied when it reaches `capacity` entries, which bounds
/// memory on unbounded input streams.
final class TokenCache<Key: Hashable>: @unchecked Sendable {
    private var entries: [Key: [Int32]] = [:]
    private let lock = NSLock()
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func value(for key: Key) -> [Int32]? {
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func store(_ value: [Int32], for key: Key) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = value
    }
}
