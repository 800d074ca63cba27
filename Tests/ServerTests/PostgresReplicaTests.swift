import CLIPKit
import Foundation
import Retrieval
import RetrievalTestSupport
import Testing
import TestSupport

/// Issue 18: `clipkit serve` replicas over one PostgreSQL store keep no state of their own. Two
/// servers, each with its own connection to one database, serve the same collection: what one
/// indexes, the other finds on its very next query without a restart, and both answer every query
/// (text, "more like this") identically. Runs against the test server of `scripts/test-postgres.sh`.
@Suite struct PostgresReplicaTests {
    @Test func replicasServeOneStoreAndKeepNoStateOfTheirOwn() async throws {
        guard let database = try PostgresTestDatabase.make() else { return }
        let harness = try await ServerHarness.running()   // its photos and request helpers
        let folder = try TemporaryFolder()
        let (first, second) = (folder.file("first"), folder.file("second"))
        for (subfolder, names) in [(first, ServerHarness.photos.prefix(4)), (second, ServerHarness.photos.suffix(4))] {
            try FileManager.default.createDirectory(at: subfolder, withIntermediateDirectories: true)
            for name in names {
                try FileManager.default.copyItem(at: harness.photos.appendingPathComponent(name), to: subfolder.appendingPathComponent(name))
            }
        }
        // Two replicas, two connections; the first records the default model, the second finds it.
        let writer = try ServedCollection(store: try PostgresStore(location: database.location), name: "photos", batchWindow: .zero)
        let reader = try ServedCollection(store: try PostgresStore(location: database.location), name: "photos", batchWindow: .zero)
        let writerPort = try await ServerHarness.start([writer], token: ServerHarness.token)
        let readerPort = try await ServerHarness.start([reader], token: ServerHarness.token)

        func keys(_ path: String, port: Int) async throws -> [String] {
            let reply = try await harness.get(path, port: port)
            #expect(reply.status == 200, "\(path): \(reply.text)")
            return try #require(try reply.object()["results"] as? [[String: Any]]).compactMap { $0["key"] as? String }
        }

        // Index the first half through the writer's HTTP endpoint (with the token).
        let indexed = try await harness.send("POST", "/index", body: try JSONSerialization.data(withJSONObject: ["paths": [first.path]]),
                                             headers: ["Content-Type": "application/json", "Authorization": "Bearer \(ServerHarness.token)"],
                                             port: writerPort)
        #expect(indexed.status == 200, "\(indexed.text)")
        let firstKeys = try await keys("/search?q=a%20photo&k=8", port: readerPort)
        #expect(Set(firstKeys) == Set(ServerHarness.photos.prefix(4)))

        // The second half, indexed by the writer, is visible to the reader's next query.
        _ = try await writer.index(locations: [second])
        for query in ["a%20cat", "a%20rocket", "a%20cup%20of%20coffee", "the%20moon"] {
            let fromReader = try await keys("/search?q=\(query)&k=8", port: readerPort)
            #expect(Set(fromReader) == Set(ServerHarness.photos), "\(query)")
            #expect(fromReader == (try await keys("/search?q=\(query)&k=8", port: writerPort)), "\(query)")
        }
        let cat = try #require(try await reader.search(text: "a cat", k: 1).first)
        #expect(cat.key == "chelsea.png")

        // "More like this" reads the one stored embedding in the database, on either replica.
        let like = "/search?like=\(try #require(cat.id))&k=3"
        let similar = try await keys(like, port: readerPort)
        #expect(similar.count == 3 && !similar.contains("chelsea.png"))
        #expect(similar == (try await keys(like, port: writerPort)))
        let uploaded = try await reader.search(imageData: try harness.photo("chelsea.png"), k: 4)
        #expect(similar == Array(uploaded.map(\.key).filter { $0 != "chelsea.png" }.prefix(3)))
        let counts = try reader.counts()
        #expect(counts.items == 8 && counts.embeddings == 8)
    }
}
