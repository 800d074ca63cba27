import Foundation
import Retrieval
import RetrievalTestSupport
import Testing
import TestSupport

/// The indexer stores each image's Exif capture time (`StoredItem.captureTime`, metadata
/// `capture_time`) from the bytes it already read; `date` falls back to the modification time.
@Suite struct CaptureTimeIndexingTests {
    @Test("Exif dates of JPEG and PNG files are stored with their items; files without one fall back to mtime")
    func storesCaptureTimes() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.file("photos"), withIntermediateDirectories: true)
        let names = ["original_little_endian.jpg", "original_big_endian.jpg", "datetime_only.jpg", "exif_chunk.png", "no_exif.jpg"]
        for name in names {
            try FileManager.default.copyItem(at: TestPaths.fixture("exif", name), to: folder.file("photos/" + name))
        }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_234_567_890)],
                                              ofItemAtPath: folder.file("photos/no_exif.jpg").path)
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        let report = try Indexer(store: store, model: .fixedVectorDouble()).index(ImageFolderSource(root: folder.file("photos")))
        #expect(report.embeddedItems == names.count && report.failures.isEmpty)
        let items = Dictionary(uniqueKeysWithValues: try store.items().map { ($0.key, $0) })
        // Values from Tests/Fixtures/exif/manifest.json (what Pillow reads back).
        #expect(items["original_little_endian.jpg"]?.captureTime == 1_531_585_205)
        #expect(items["original_big_endian.jpg"]?.captureTime == 1_583_013_599)
        #expect(items["datetime_only.jpg"]?.captureTime == 1_451_570_400)
        #expect(items["exif_chunk.png"]?.captureTime == 1_245_067_200)
        #expect(items["original_little_endian.jpg"]?.metadata[StoredItem.captureTimeKey] == "1531585205")
        #expect(items["no_exif.jpg"]?.captureTime == nil)
        #expect(items["no_exif.jpg"]?.date == 1_234_567_890)
        #expect(items["datetime_only.jpg"]?.date == 1_451_570_400)
    }
}
