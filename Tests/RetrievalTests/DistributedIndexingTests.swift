import Foundation
import Models
@testable import Retrieval
import RetrievalTestSupport
import Tensor
import Testing
import TestSupport

/// Two distributed indexing workers (`retrieval-test-indexer` with a PostgreSQL store) share one
/// collection through the job table while they are SIGKILLed at random moments; killed workers
/// are restarted, and in the end the store holds every item once, each with its exact embedding.
@Suite(.serialized) struct DistributedIndexingTests {
    final class Worker {
        let process = Process()
        let output = Pipe()
        init(helper: URL, store: String, folder: URL, batchSize: Int, delay: Double, lease: Double, bulkLoadFrom: Int? = nil) throws {
            process.executableURL = helper
            process.arguments = [store, folder.path, String(batchSize), String(delay)]
            var environment = ProcessInfo.processInfo.environment
            environment["CLIPKIT_TEST_LEASE_SECONDS"] = String(lease)
            if let bulkLoadFrom { environment["CLIPKIT_TEST_BULK_LOAD_FROM"] = String(bulkLoadFrom) }
            process.environment = environment
            process.standardOutput = output
            process.standardError = FileHandle.standardError
            try process.run()
        }
    }

    @Test func twoWorkersKilledTenTimesLoseAndDuplicateNothing() throws {
        guard let database = try PostgresTestDatabase.make() else { return }
        let helper = try #require(KillAndResumeTests.helperExecutable, "retrieval-test-indexer was not built")
        let folder = try TemporaryFolder()
        let imageCount = 240, batchSize = 4
        try FileManager.default.createDirectory(at: folder.file("images/nested"), withIntermediateDirectories: true)
        for index in 0..<imageCount {
            let path = index % 3 == 0 ? "images/nested/n\(index).png" : "images/p\(index).png"
            try TestImages.write(to: folder.file(path), red: UInt8(index), green: UInt8(3 * index % 256), variant: index)
        }
        _ = try PostgresStore(location: database.location)   // the database and tables, before two workers race for them
        let url = "postgres://\(database.location.user)@\(database.location.host):\(database.location.port)/\(database.location.database)"
        let start = { try Worker(helper: helper, store: url, folder: folder.file("images"), batchSize: batchSize, delay: 0.3, lease: 1.5) }
        var workers = [try start(), try start()]
        var generator = SeededGenerator(seed: 18)
        var kills = 0, rounds = 0
        while kills < 10, rounds < 200 {
            rounds += 1
            Thread.sleep(forTimeInterval: 0.2 + Double(generator.next() % 1000) / 1000 * 0.8)   // 0.2–1 s
            let victim = Int(generator.next() % 2)
            if workers[victim].process.isRunning {
                kill(workers[victim].process.processIdentifier, SIGKILL)
                workers[victim].process.waitUntilExit()
                #expect(workers[victim].process.terminationReason == .uncaughtSignal)
                kills += 1
            }
            workers[victim] = try start()
        }
        #expect(kills == 10)
        for worker in workers { worker.process.waitUntilExit() }
        #expect(workers.allSatisfy { $0.process.terminationStatus == 0 })

        let store = try PostgresStore.openExisting(at: database.location)
        let matrix = try store.embeddings(of: .items)
        #expect(try store.itemCount() == imageCount)
        #expect(matrix.count == imageCount && Set(matrix.keys).count == imageCount)
        #expect(try store.openJobCount() == 0 && store.failures().isEmpty)
        let model = ImageTextModel.fixedVectorDouble()
        for (row, key) in matrix.keys.enumerated() {
            let expected = try model.expectedVector(forImageFile: folder.file("images/\(key)"))
            #expect(SyntheticVectors.row(matrix.vectors, row) == expected, "embedding of \(key)")
        }
        // Each queued key was in exactly one job.
        let queued = try store.session.query("SELECT unnest(keys) FROM index_jobs").map { try $0.decode(String.self) }
        #expect(queued.count == Set(queued).count)
    }
}
