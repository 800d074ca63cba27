import Foundation
import GRDB
import Models
import Retrieval
import RetrievalTestSupport
import Testing
import TestSupport

/// Issue 13, item 8 on the store: a second indexer is refused (not redoing the work), queries
/// never write to the file, a SQLite file of something else is left untouched, and a damaged
/// vector is re-embedded by indexing again, as its error advises.
@Suite struct HostileStoreTests {
    /// A folder of `count` small distinct images and an empty store beside it.
    func collection(_ count: Int) throws -> (folder: TemporaryFolder, images: URL, store: URL) {
        let folder = try TemporaryFolder()
        for index in 0..<count {
            try folder.write(TestImages.png(width: 8, height: 8, red: UInt8(index * 20), green: 7, blue: 0), to: "imgs/\(index).png")
        }
        return (folder, folder.file("imgs"), folder.file("store.sqlite"))
    }

    @Test("a second indexer on a store being indexed is refused, naming the first one's process")
    func secondIndexerIsRefused() throws {
        let (folder, images, url) = try collection(6)
        _ = folder
        // The first indexer: another process, slowed down so it is mid-run when the second starts.
        guard let helper = KillAndResumeTests.helperExecutable else { throw HelperMissing() }
        let process = Process()
        process.executableURL = helper
        process.arguments = [url.path, images.path, "1", "0.3"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) }; process.waitUntilExit() }
        var text = ""
        while !text.contains("committed 1") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        let store = try EmbeddingStore(path: url)
        let indexer = Indexer(store: store, model: .fixedVectorDouble())
        let error = #expect(throws: StoreError.self) { try indexer.index(ImageFolderSource(root: images)) }
        #expect(error == .busy(path: url.path, processIdentifier: process.processIdentifier))
        #expect(error?.description.contains("another indexer (process \(process.processIdentifier)) is writing to") == true)
        // The first indexer is killed mid-run: the kernel drops its lock, and a new run finishes the work.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let report = try indexer.index(ImageFolderSource(root: images))
        #expect(report.failures.isEmpty && report.embeddedItems + report.unchangedItems == 6 && report.unchangedItems >= 1)
        #expect(try store.embeddings().keys == (0..<6).map { "\($0).png" })
    }

    @Test("a lock held in this process refuses an indexer too, and is released with its owner")
    func lockIsReleased() throws {
        let (folder, images, url) = try collection(2)
        _ = folder
        let store = try EmbeddingStore(path: url)
        let indexer = Indexer(store: store, model: .fixedVectorDouble())
        var lock: IndexingLock? = try store.lockForIndexing()
        #expect(throws: StoreError.busy(path: url.path, processIdentifier: getpid())) { try indexer.index(ImageFolderSource(root: images)) }
        #expect(try store.model() == nil)  // nothing was written
        _ = lock
        lock = nil
        #expect(try indexer.index(ImageFolderSource(root: images)).embeddedItems == 2)
    }

    @Test("queries open the store read-only: the file's bytes are unchanged by opening and searching")
    func queriesDoNotWrite() throws {
        let (folder, images, url) = try collection(3)
        let model = ImageTextModel.fixedVectorDouble()
        do {
            let store = try EmbeddingStore(path: url)
            _ = try Indexer(store: store, model: model).index(ImageFolderSource(root: images))
        }
        let before = try Data(contentsOf: url)
        let listing = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
        do {
            let store = try EmbeddingStore.openExisting(at: url)
            #expect(store.isReadOnly)
            let matrix = try store.embeddings()
            #expect(matrix.keys == ["0.png", "1.png", "2.png"])
            let hits = try Retriever(store: store, model: model.identity).search(matrix.vectors, direction: .imageToImage, k: 1)
            #expect(hits.map { $0.first?.key } == ["0.png", "1.png", "2.png"])
            // A query store cannot be written to by mistake (this would delete every item).
            #expect(throws: (any Error).self) { try store.pruneItems(keeping: []) }
        }
        #expect(try Data(contentsOf: url) == before)
        // Reading a WAL database needs SQLite's shared-memory file; the write-ahead log stays empty.
        let added = Set(try FileManager.default.contentsOfDirectory(atPath: folder.url.path)).subtracting(listing)
        #expect(added.isSubset(of: ["store.sqlite-shm", "store.sqlite-wal"]), "\(added)")
        if added.contains("store.sqlite-wal") {
            #expect(try FileManager.default.attributesOfItem(atPath: url.path + "-wal")[.size] as? Int == 0)
        }
    }

    @Test("a SQLite file of something else is refused by name and left byte for byte as it was")
    func foreignDatabaseIsUntouched() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("photos.sqlite")
        do {
            let queue = try DatabaseQueue(path: url.path)
            try queue.write { database in
                try database.execute(sql: "CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
                try database.execute(sql: "INSERT INTO photos (path) VALUES ('a.jpg')")
            }
        }
        let before = try Data(contentsOf: url)
        let expected = StoreError.notAStore(path: url.path, tables: ["photos"])
        #expect(throws: expected) { try EmbeddingStore(path: url) }
        #expect(throws: expected) { try EmbeddingStore.openExisting(at: url) }
        #expect(expected.description.contains("is not an embedding store (it holds the tables photos); it was left untouched"))
        #expect(try Data(contentsOf: url) == before)
        let tables = try DatabaseQueue(path: url.path).read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(tables == ["photos"])
    }

    @Test("a damaged vector is reported, and indexing again re-embeds exactly that item")
    func damagedVectorIsReembedded() throws {
        let (folder, images, url) = try collection(3)
        _ = folder
        let model = ImageTextModel.fixedVectorDouble()
        let store = try EmbeddingStore(path: url)
        let indexer = Indexer(store: store, model: model)
        _ = try indexer.index(ImageFolderSource(root: images))
        let intact = try store.embeddings()
        // The damage: one stored vector cut to 3 bytes, as a torn or edited file would leave it.
        try DatabaseQueue(path: url.path).write { database in
            try database.execute(sql: """
                UPDATE item_embeddings SET vector = x'000102' WHERE item_id = (SELECT id FROM items WHERE key = '1.png')
                """)
        }
        let error = #expect(throws: StoreError.self) { try store.embeddings() }
        #expect(error?.description.contains("the embedding of 1.png does not hold") == true, "\(String(describing: error))")
        #expect(error?.description.contains("index the collection again") == true)
        let report = try indexer.index(ImageFolderSource(root: images))
        #expect(report.embeddedItems == 1 && report.unchangedItems == 2)
        let repaired = try store.embeddings()
        #expect(repaired.keys == intact.keys && repaired.vectors.scalars == intact.vectors.scalars)
    }
}
