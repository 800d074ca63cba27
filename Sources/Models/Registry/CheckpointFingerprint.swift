import Checkpoint
import Foundation

/// A cheap, stable identifier for the bytes of one or more checkpoint files, used as
/// `ModelIdentity.checkpointHash`.
///
/// Hashing a multi-gigabyte checkpoint in full on every `clipkit search` would cost seconds, so
/// the fingerprint is SHA-256 over each file's size and its first and last 4 MiB (a directory
/// contributes each regular file below it, in path order). Fine-tuned weights that differ only in
/// the middle of a file of the same size would collide; a saved fine-tune rewrites every tensor,
/// so in practice they do not.
public enum CheckpointFingerprint {
    /// Bytes read from each end of a file.
    public static let sampledBytes = 4 << 20

    /// The hex fingerprint of `urls` (files or directories), in the given order.
    public static func of(_ urls: [URL]) throws -> String {
        var hasher = SHA256()
        for url in urls {
            for file in try regularFiles(at: url) {
                try absorb(file, into: &hasher)
            }
        }
        return hasher.hexDigest()
    }

    static func regularFiles(at url: URL) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ModelError.unreadableFile(path: url.path, reason: "no such file or folder")
        }
        guard isDirectory.boolValue else { return [url] }
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
        var files: [URL] = []
        while let next = enumerator?.nextObject() as? URL {
            if (try? next.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(next) }
        }
        return files.sorted { $0.path < $1.path }
    }

    static func absorb(_ file: URL, into hasher: inout SHA256) throws {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        hasher.update(Array(String(size).utf8) + [0])
        try handle.seek(toOffset: 0)
        hasher.update(try handle.read(upToCount: sampledBytes) ?? Data())
        if size > UInt64(2 * sampledBytes) {
            try handle.seek(toOffset: size - UInt64(sampledBytes))
            hasher.update(try handle.read(upToCount: sampledBytes) ?? Data())
        } else if size > UInt64(sampledBytes) {
            hasher.update(try handle.readToEnd() ?? Data())
        }
    }
}
