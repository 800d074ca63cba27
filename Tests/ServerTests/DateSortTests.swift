import CLIPKit
import Foundation
import Retrieval
import TestSupport
import Testing

/// `sort=date` orders by the Exif capture date the indexer stored, falling back to the file's
/// modification time: four of the Exif fixtures (`Tests/Fixtures/exif`) whose modification times
/// say the opposite of their Exif dates, indexed by a server of their own.
@Suite struct DateSortTests {
    @Test func newestFirstByExifDateThenModificationTime() async throws {
        let folder = try TemporaryFolder()
        let photos = folder.file("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        // name, modification time (seconds since 1970); Exif dates: 2020-02-29, 2018-07-14, 2015-12-31, none.
        let files: [(String, Double)] = [("original_big_endian.jpg", 900_000_000), ("original_little_endian.jpg", 1_000_000_000),
                                         ("datetime_only.jpg", 1_700_000_000), ("no_exif.jpg", 1_500_000_000)]
        for (name, modified) in files {
            try FileManager.default.copyItem(at: TestPaths.fixture("exif", name), to: photos.appendingPathComponent(name))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: modified)],
                                                  ofItemAtPath: photos.appendingPathComponent(name).path)
        }
        let storeURL = folder.file("dated.db")
        _ = try EmbeddingStore(path: storeURL)
        let collection = try ServedCollection(storeURL: storeURL, batchWindow: .zero)
        _ = try await collection.index(locations: [photos])
        let port = try await ServerHarness.start([collection], token: nil)
        let server = try await ServerHarness.running()

        let reply = try await server.get("/search?q=a%20photo&k=4&sort=date", port: port)
        #expect(reply.status == 200)
        let results = try #require(try reply.object()["results"] as? [[String: Any]])
        #expect(results.compactMap { $0["key"] as? String }
                == ["original_big_endian.jpg", "original_little_endian.jpg", "no_exif.jpg", "datetime_only.jpg"])
        #expect(results.map { $0["captured"] as? Double } == [1_583_013_599, 1_531_585_205, nil, 1_451_570_400])
        #expect(results.compactMap { $0["date"] as? Double } == [1_583_013_599, 1_531_585_205, 1_500_000_000, 1_451_570_400])
        #expect(results.compactMap { $0["modified"] as? Double } == [900_000_000, 1_000_000_000, 1_500_000_000, 1_700_000_000])

        let id = try #require(results.first?["id"] as? Int)
        let item = try await server.get("/items/\(id)", port: port)
        #expect(try item.object()["captured"] as? Double == 1_583_013_599)
        #expect((try item.object()["metadata"] as? [String: String])?["capture_time"] == "1583013599")
    }
}
