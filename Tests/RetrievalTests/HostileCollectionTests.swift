import Datasets
import FileSystem
import Foundation
import Imaging
import Models
import Retrieval
import RetrievalTestSupport
import Testing
import TestSupport

/// Issue 13, items 1–4 through the indexer: a thin image, link loops, unreadable folders and
/// names that are not UTF-8 are recorded and the rest of the collection is indexed, once.
@Suite struct HostileCollectionTests {
    @Test("a 2x200,000 image is recorded as unreadable, later files are indexed, and a re-run skips it")
    func thinImageIsRecorded() throws {
        let folder = try TemporaryFolder()
        // Stored-deflate PNG: 2x200,000 pixels of 3 bytes; what matters is the geometry.
        try folder.write(TestImages.png(width: 2, height: 200_000, red: 9, green: 0, blue: 0), to: "imgs/a-thin.png")
        try folder.write(TestImages.png(width: 8, height: 8, red: 10, green: 0, blue: 0), to: "imgs/b.png")
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        var options = IndexingOptions()
        options.batchSize = 1
        let indexer = Indexer(store: store, model: .fixedVectorDouble(resizeMode: .shortest, imageSize: 224), options: options)
        let first = try indexer.index(ImageFolderSource(root: folder.file("imgs")))
        #expect(first.embeddedItems == 1 && first.failures.map(\.key) == ["a-thin.png"])
        #expect(first.failures.first?.reason.contains("too extreme to preprocess") == true)
        #expect(try store.embeddings().keys == ["b.png"])
        let second = try indexer.index(ImageFolderSource(root: folder.file("imgs")))
        #expect(second.embeddedItems == 0 && second.previouslyFailedItems == 1 && second.unchangedItems == 1)
    }

    @Test("an indexing process refuses a 2x200,000 and a 1x1,000,000 image within 100 MB of memory and finishes")
    func thinImagesStayWithinMemory() throws {
        guard let helper = KillAndResumeTests.helperExecutable else { throw HelperMissing() }
        let folder = try TemporaryFolder()
        try folder.write(TestImages.png(width: 2, height: 200_000, red: 9, green: 0, blue: 0), to: "imgs/a-thin.png")
        try folder.write(TestImages.png(width: 1_000_000, height: 1, red: 9, green: 0, blue: 0), to: "imgs/b-line.png")
        try folder.write(TestImages.png(width: 8, height: 8, red: 10, green: 0, blue: 0), to: "imgs/c.png")
        // CLIP's preprocessing (shorter side to 224) once asked for 15 GB and 150 GB here.
        let child = try ChildProcess(helper, arguments: [folder.file("store.sqlite").path, folder.file("imgs").path, "1", "0", "shortest"])
        let result = child.wait()
        #expect(result.status == 0 && result.signal == nil, "\(child.errors)")
        #expect(child.output.contains("done 1 0 failed 2"), "\(child.output)")
        // The child's own peak (VmHWM); wait4's figure includes this test process's peak.
        let peak = try #require(child.output.split(separator: "\n").first { $0.hasPrefix("peak ") }.flatMap { Int($0.split(separator: " ")[1]) })
        #expect(peak < 100 * 1024, "peak resident memory \(peak) kB")
    }

    @Test("link loops are indexed once; a name that is not UTF-8 is stored losslessly and not retried")
    func loopsAndByteNames() throws {
        let folder = try TemporaryFolder()
        try folder.write(TestImages.png(width: 8, height: 8, red: 1, green: 0, blue: 0), to: "imgs/a.png")
        try folder.write(TestImages.png(width: 8, height: 8, red: 2, green: 0, blue: 0), to: "imgs/sub/b.png")
        let latin1 = FileSystemPath(folder.file("imgs")).appending(FileSystemPath(bytes: Array("caf".utf8) + [0xE9] + Array(".png".utf8)))
        let bytes = try TestImages.png(width: 8, height: 8, red: 3, green: 0, blue: 0)
        let descriptor = (latin1.bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
        }
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, bytes.count) }
        close(descriptor)
        for link in ["imgs/loop", "imgs/loop2"] {
            try FileManager.default.createSymbolicLink(atPath: folder.file(link).path, withDestinationPath: ".")
        }
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        let model = ImageTextModel.fixedVectorDouble()
        let indexer = Indexer(store: store, model: model)
        let first = try indexer.index(ImageFolderSource(root: folder.file("imgs")))
        #expect(first.failures.isEmpty && first.embeddedItems == 3)
        #expect(first.listingProblems.map(\.path).sorted() == ["loop/", "loop2/"])
        let matrix = try store.embeddings()
        #expect(matrix.keys == ["a.png", "caf\\xE9.png", "sub/b.png"])
        let item = try #require(try store.items().first { $0.key == "caf\\xE9.png" })
        #expect(FileSystemPath(escapedText: item.metadata["path"]!) == latin1)
        // The stored vector is the one of the file's own pixels.
        let image = try ImageDecoder().decode(contentsOf: latin1)
        let tensor = try model.identity.preprocessing!(image)
        #expect(SyntheticVectors.row(matrix.vectors, 1) == (try model.embed(images: tensor.reshaped([1] + tensor.shape)).scalars))
        // Nothing is retried or re-embedded on the next run.
        let second = try indexer.index(ImageFolderSource(root: folder.file("imgs")))
        #expect(second.embeddedItems == 0 && second.unchangedItems == 3 && second.failures.isEmpty)
    }

    @Test("a FIFO and a character device named like images are refused by what they are, at once")
    func specialFiles() throws {
        let folder = try TemporaryFolder()
        try folder.write(TestImages.png(width: 8, height: 8, red: 1, green: 0, blue: 0), to: "imgs/a.png")
        #expect(mkfifo(folder.file("imgs/pipe.png").path, 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.file("imgs/zero.png").path, withDestinationPath: "/dev/zero")
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        let report = try Indexer(store: store, model: .fixedVectorDouble()).index(ImageFolderSource(root: folder.file("imgs")))
        #expect(report.embeddedItems == 1)
        let reasons = Dictionary(uniqueKeysWithValues: report.failures.map { ($0.key, $0.reason) })
        #expect(reasons["pipe.png"]?.hasSuffix("it is a FIFO (named pipe), not a regular file") == true, "\(reasons)")
        #expect(reasons["zero.png"]?.hasSuffix("it is a character device, not a regular file") == true, "\(reasons)")
        #expect(!reasons.values.contains { $0.contains("permission") })
    }
}
