import Foundation
import Imaging
import Models
import Retrieval
import RetrievalTestSupport
import Tensor
import Testing
import TestSupport

@Suite struct IndexerTests {
    let model = ImageTextModel.fixedVectorDouble()

    /// `count` distinct PNGs named img00.png… in `folder/relative`.
    func writeImages(_ count: Int, in folder: TemporaryFolder, under relative: String = "images") throws {
        try FileManager.default.createDirectory(at: folder.file(relative), withIntermediateDirectories: true)
        for index in 0..<count {
            try TestImages.write(to: folder.file("\(relative)/img\(String(format: "%02d", index)).png"),
                                    red: UInt8(index * 5), green: UInt8(255 - index), variant: index)
        }
    }

    func setModificationTime(_ url: URL, _ seconds: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: seconds)], ofItemAtPath: url.path)
    }

    @Test func indexesThenSkipsUnchangedReembedsChangedAndPrunesDeleted() throws {
        let folder = try TemporaryFolder()
        try writeImages(6, in: folder)
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        var options = IndexingOptions()
        options.batchSize = 4
        var indexer = Indexer(store: store, model: model, options: options)
        let source = ImageFolderSource(root: folder.file("images"))

        var updates: [IndexingProgress] = []
        let first = try indexer.index(source) { updates.append($0) }
        #expect(first.embeddedItems == 6 && first.unchangedItems == 0 && first.failures.isEmpty)
        #expect(updates.map(\.completed) == [4, 6] && updates.allSatisfy { $0.total == 6 })
        #expect(updates.last?.estimatedSecondsRemaining == 0)
        let matrix = try store.embeddings()
        #expect(matrix.keys == (0..<6).map { "img0\($0).png" })
        for (row, key) in matrix.keys.enumerated() {
            let expected = try model.expectedVector(forImageFile: folder.file("images/\(key)"))
            #expect(SyntheticVectors.row(matrix.vectors, row) == expected)
        }

        let second = try indexer.index(source)
        #expect(second.embeddedItems == 0 && second.unchangedItems == 6)

        // Change one file's content (and time), delete another.
        let changed = folder.file("images/img02.png")
        try TestImages.write(to: changed, red: 1, green: 2, blue: 3, variant: 9)
        try setModificationTime(changed, 1_000_000)
        try FileManager.default.removeItem(at: folder.file("images/img05.png"))
        let idBefore = try store.items().first { $0.key == "img02.png" }!.id
        let third = try indexer.index(source)
        #expect(third.embeddedItems == 1 && third.unchangedItems == 4 && third.prunedItems.isEmpty)
        #expect(try store.itemCount() == 6)  // without prune the deleted file stays

        indexer.options.prunes = true
        let fourth = try indexer.index(source)
        #expect(fourth.prunedItems == ["img05.png"] && fourth.embeddedItems == 0)
        let items = try store.items()
        #expect(items.map(\.key) == (0..<5).map { "img0\($0).png" })
        #expect(items.first { $0.key == "img02.png" }!.id == idBefore)
        let updated = try store.embeddings()
        #expect(SyntheticVectors.row(updated.vectors, 2) == (try model.expectedVector(forImageFile: changed)))
    }

    @Test func corruptAndOversizedFilesAreSkippedAndReported() throws {
        let folder = try TemporaryFolder()
        try writeImages(3, in: folder)
        try folder.write("not an image at all", to: "images/corrupt.jpg")
        try Data().write(to: folder.file("images/empty.png"))
        let png = try TestImages.png(width: 8, height: 8, red: 9, green: 9, blue: 9)
        try png.prefix(png.count - 30).write(to: folder.file("images/truncated.png"))
        // Random pixels hardly compress: about 12 kB, over the limit set below.
        let huge = try folder.write(try TestImages.noisePNG(width: 64, height: 64, seed: 1), to: "images/huge.png")
        try folder.write("ignored: not an image extension", to: "images/notes.txt")

        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        var options = IndexingOptions()
        options.maximumFileSize = 4_000
        #expect(Int64(try Data(contentsOf: huge).count) > options.maximumFileSize)
        let indexer = Indexer(store: store, model: model, options: options)
        let report = try indexer.index(ImageFolderSource(root: folder.file("images")))
        #expect(report.embeddedItems == 3)
        #expect(report.failures.map(\.key).sorted() == ["corrupt.jpg", "empty.png", "huge.png", "truncated.png"])
        let reasons = Dictionary(uniqueKeysWithValues: try store.failures().map { ($0.key, $0.reason) })
        #expect(reasons["corrupt.jpg"]!.contains("corrupt.jpg") && reasons["corrupt.jpg"]!.contains("unsupported image format"))
        #expect(reasons["empty.png"]!.contains("empty"))
        #expect(reasons["huge.png"]!.contains("maximumFileSize"))
        #expect(reasons["truncated.png"]!.contains("truncated.png"))
        #expect(try store.embeddings().count == 3)

        // Unchanged failures are not retried; fixing a file indexes it and clears its failure.
        let again = try indexer.index(ImageFolderSource(root: folder.file("images")))
        #expect(again.previouslyFailedItems == 4 && again.failures.isEmpty && again.unchangedItems == 3)
        try TestImages.write(to: folder.file("images/corrupt.jpg"), red: 200)
        try setModificationTime(folder.file("images/corrupt.jpg"), 2_000_000)
        let fixed = try indexer.index(ImageFolderSource(root: folder.file("images")))
        #expect(fixed.embeddedItems == 1 && fixed.previouslyFailedItems == 3)
        #expect(try store.failures().map(\.key) == ["empty.png", "huge.png", "truncated.png"])
    }

    @Test func decompressionBombsAreReportedNotDecoded() throws {
        let folder = try TemporaryFolder()
        try TestImages.write(to: folder.file("big.png"), width: 40, height: 40, red: 3)
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        var options = IndexingOptions()
        options.decoder = ImageDecoder(maximumPixelCount: 100)
        let report = try Indexer(store: store, model: model, options: options).index(ImageFolderSource(root: folder.url))
        #expect(report.failures.count == 1 && report.failures[0].reason.contains("exceeds the limit"))
    }

    @Test func captionsAreEmbeddedLinkedAndSkippedWhenUnchanged() throws {
        let folder = try TemporaryFolder()
        try writeImages(2, in: folder)
        let catalog = SourceCatalog(
            items: try ImageFolderSource(root: folder.file("images")).catalog().items,
            captions: [SourceCaption(key: "c1", text: "a red square", language: "en", itemKeys: ["img00.png"]),
                       SourceCaption(key: "c2", text: "a green square", language: "en", itemKeys: ["img01.png", "img00.png"])])
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        let indexer = Indexer(store: store, model: model)
        let first = try indexer.index(catalog)
        #expect(first.embeddedCaptions == 2)
        let captions = try store.embeddings(of: .captions)
        #expect(captions.keys == ["c1", "c2"])
        #expect(SyntheticVectors.row(captions.vectors, 0) == (try model.embed(texts: ["a red square"]).scalars))  // the model's unit rows, stored as they are
        #expect(try store.groundTruth(images: store.embeddings(), captions: captions).imagesOfCaption == [[0], [0, 1]])

        var edited = catalog
        edited.captions[1].text = "a green and red square"
        let second = try indexer.index(edited)
        #expect(second.embeddedCaptions == 1 && second.unchangedCaptions == 1 && second.unchangedItems == 2)
    }

    @Test func refusesAStoreOfAnotherModelAndWrongModelOutput() throws {
        let folder = try TemporaryFolder()
        try writeImages(1, in: folder)
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        _ = try Indexer(store: store, model: model).index(ImageFolderSource(root: folder.file("images")))
        let other = ImageTextModel.fixedVectorDouble(checkpointHash: "fine-tuned")
        #expect(throws: StoreError.self) { try Indexer(store: store, model: other).index(ImageFolderSource(root: folder.file("images"))) }

        let liar = ImageTextModel.fixedVectorDouble(name: "misreporting-test-double", reportedDimension: 8)
        let otherStore = try EmbeddingStore(path: folder.file("other.sqlite"))
        #expect(throws: IndexingError.unexpectedModelOutput(model: "misreporting-test-double", expected: [1, 8], actual: [1, 16])) {
            try Indexer(store: otherStore, model: liar).index(ImageFolderSource(root: folder.file("images")))
        }
    }
}
