import CLinkGrammar
import Checkpoint
import Foundation
import Models

/// link-grammar's English dictionary (Sleator & Temperley 1993, "Parsing English with a Link
/// Grammar"; Debian's `link-grammar-dictionaries-en`) extended with `CaptionVocabulary`, loaded
/// once and shared by every parse (link-grammar reads a dictionary from several threads at once).
///
/// link-grammar reads a language from a folder (`en/4.0.dict` and the files it names), so the
/// merged dictionary is a folder in the computed cache, `$CLIPKIT_HOME/cache/link-grammar/<hash>/en`:
/// the system's `4.0.dict` followed by our entries, beside links to the system's other files.
/// The hash covers both texts, so a new system dictionary or new entries make a new folder.
public final class LinkGrammarDictionary: @unchecked Sendable {
    /// The C dictionary; read-only once created.
    let handle: OpaquePointer
    /// The merged data folder (parent of `en/`).
    public let dataDirectory: URL

    /// Where Debian installs the English dictionary.
    public static let systemDirectory = URL(fileURLWithPath: "/usr/share/link-grammar/en", isDirectory: true)

    /// `dictionary_set_data_dir` is process-wide state: one creation at a time.
    private static let creationLock = NSLock()

    /// The system dictionary in `systemDirectory` extended with `extensionEntries`, merged under
    /// `cacheDirectory`.
    public init(extensionEntries: String = CaptionVocabulary.dictionaryEntries, systemDirectory: URL = systemDirectory,
                cacheDirectory: URL = InstalledFiles.computedCache.appendingPathComponent("link-grammar", isDirectory: true)) throws {
        let systemDictionary = systemDirectory.appendingPathComponent("4.0.dict")
        guard let systemText = try? Data(contentsOf: systemDictionary) else {
            throw RelationError.dictionaryMissing(path: systemDictionary.path)
        }
        var hasher = SHA256()
        hasher.update(Array(systemText))
        hasher.update(Array(extensionEntries.utf8))
        hasher.update(Array(systemDirectory.path.utf8))
        let dataDirectory = cacheDirectory.appendingPathComponent(String(hasher.hexDigest().prefix(16)), isDirectory: true)
        try Self.writeMergedFolder(at: dataDirectory, systemDirectory: systemDirectory, systemText: systemText,
                                   extensionEntries: extensionEntries)
        Self.creationLock.lock()
        defer { Self.creationLock.unlock() }
        LinkGrammarMessages.silence()
        dictionary_set_data_dir(dataDirectory.path)
        guard let handle = dictionary_create_lang("en") else { throw RelationError.dictionaryRejected(path: dataDirectory.path) }
        self.handle = handle
        self.dataDirectory = dataDirectory
    }

    deinit { dictionary_delete(handle) }

    /// Writes `<folder>/en/` once: a temporary folder renamed into place, so concurrent
    /// processes never read a half-written dictionary.
    private static func writeMergedFolder(at folder: URL, systemDirectory: URL, systemText: Data, extensionEntries: String) throws {
        let manager = FileManager.default
        let language = folder.appendingPathComponent("en", isDirectory: true)
        if manager.fileExists(atPath: language.appendingPathComponent("4.0.dict").path) { return }
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        let staging = folder.appendingPathComponent("en.\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max))",
                                                    isDirectory: true)
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: staging) }
        for name in try manager.contentsOfDirectory(atPath: systemDirectory.path) where name != "4.0.dict" {
            try manager.createSymbolicLink(at: staging.appendingPathComponent(name),
                                           withDestinationURL: systemDirectory.appendingPathComponent(name))
        }
        var merged = systemText
        merged.append(Data("\n".utf8))
        merged.append(Data(extensionEntries.utf8))
        try merged.write(to: staging.appendingPathComponent("4.0.dict"))
        do {
            try manager.moveItem(at: staging, to: language)
        } catch where manager.fileExists(atPath: language.appendingPathComponent("4.0.dict").path) {
            // Another process finished first; its folder is identical.
        }
    }
}

/// link-grammar reports through a per-thread handler that prints to standard error by default
/// (locale notices, parse warnings): CLIPKit silences it on each thread that uses the parser.
enum LinkGrammarMessages {
    static func silence() {
        _ = lg_error_set_handler({ _, _ in }, nil)
    }
}
