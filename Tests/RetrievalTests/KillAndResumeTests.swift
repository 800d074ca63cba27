import Foundation
import Models
import Retrieval
import RetrievalTestSupport
import Testing
import TestSupport

/// Kills an indexing process with SIGKILL mid-run and checks that the store keeps every committed
/// batch, holds no duplicates, and that a second run completes the collection exactly once.
@Suite struct KillAndResumeTests {
    static var helperExecutable: URL? {
        let candidates = [
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ]
        let packageBuild = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build")
        for folder in candidates + ["release", "debug"].map({ packageBuild.appendingPathComponent($0) }) {
            let url = folder.appendingPathComponent("retrieval-test-indexer")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Runs the helper; with `killAfter`, SIGKILLs it once it reports that many committed items.
    func runHelper(store: URL, folder: URL, batchSize: Int, delay: Double, killAfter: Int?) throws -> (lines: [String], killed: Bool) {
        let process = Process()
        guard let helper = Self.helperExecutable else { throw HelperMissing() }
        process.executableURL = helper
        process.arguments = [store.path, folder.path, String(batchSize), String(delay)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var text = "", killed = false
        let reader = output.fileHandleForReading
        while true {
            let data = reader.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let killAfter, !killed,
               let last = text.split(separator: "\n").last(where: { $0.hasPrefix("committed ") }),
               let count = Int(last.dropFirst("committed ".count)), count >= killAfter {
                kill(process.processIdentifier, SIGKILL)
                killed = true
            }
        }
        process.waitUntilExit()
        if killed { #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL) }
        return (text.split(separator: "\n").map(String.init), killed)
    }

    @Test func killedIndexingResumesWithoutLossOrDuplicates() throws {
        let folder = try TemporaryFolder()
        let imageCount = 48, batchSize = 4
        try FileManager.default.createDirectory(at: folder.file("images/nested"), withIntermediateDirectories: true)
        for index in 0..<imageCount {
            let path = index % 3 == 0 ? "images/nested/n\(index).png" : "images/p\(index).png"
            try TestImages.write(to: folder.file(path), red: UInt8(index), green: UInt8(3 * index % 256), variant: index)
        }
        let storeURL = folder.file("store.sqlite")
        let model = ImageTextModel.fixedVectorDouble()

        // First run: killed after at least two committed batches.
        let first = try runHelper(store: storeURL, folder: folder.file("images"), batchSize: batchSize, delay: 0.1, killAfter: 8)
        #expect(first.killed && !first.lines.contains { $0.hasPrefix("done") })
        var committed: Int
        do {
            let store = try EmbeddingStore(path: storeURL)
            let items = try store.items()
            committed = items.count
            #expect(committed >= 8 && committed < imageCount)
            #expect(committed % batchSize == 0)  // whole batches only
            #expect(Set(items.map(\.key)).count == committed)
            #expect(try store.embeddingCount() == committed)
        }

        // Second run: killed again a little later.
        let second = try runHelper(store: storeURL, folder: folder.file("images"), batchSize: batchSize, delay: 0.1,
                                   killAfter: batchSize * 2)
        if second.killed {
            let store = try EmbeddingStore(path: storeURL)
            let count = try store.itemCount()
            #expect(count >= committed + batchSize * 2 && count % batchSize == 0)
            committed = count
        } else {
            committed = imageCount
        }

        // Final run to completion: everything committed before is skipped, nothing is duplicated.
        let final = try runHelper(store: storeURL, folder: folder.file("images"), batchSize: batchSize, delay: 0, killAfter: nil)
        let done = try #require(final.lines.last { $0.hasPrefix("done ") }).split(separator: " ")
        #expect(Int(done[1])! + Int(done[2])! == imageCount)
        #expect(Int(done[2])! == committed)

        let store = try EmbeddingStore(path: storeURL)
        let matrix = try store.embeddings()
        #expect(matrix.count == imageCount && Set(matrix.keys).count == imageCount)
        #expect(try store.itemCount() == imageCount)
        for (row, key) in matrix.keys.enumerated() {
            let expected = try model.expectedVector(forImageFile: folder.file("images/\(key)"))
            #expect(SyntheticVectors.row(matrix.vectors, row) == expected, "embedding of \(key)")
        }
    }
}

struct HelperMissing: Error, CustomStringConvertible {
    var description: String { "retrieval-test-indexer was not found beside the test bundle: build with `swift build --build-tests`" }
}
