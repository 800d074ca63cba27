import Models
import Checkpoint
import Foundation
import Retrieval
import Tensor
import TestSupport
import Testing

/// The `clipkit` executable end to end with the real `clipkit-default` model: indexing killed with
/// SIGKILL and resumed, search output, re-indexing, and the refusal of another model.
@Suite(.serialized) struct CommandLineTests {
    struct ExecutableMissing: Error, CustomStringConvertible {
        var description: String { "the clipkit executable was not found beside the tests; build with `swift build --build-tests`" }
    }

    static var executable: URL? {
        let packageBuild = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build")
        let folders = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent(),
                       URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
            + ["release", "debug"].map { packageBuild.appendingPathComponent($0) }
        return folders.map { $0.appendingPathComponent("clipkit") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// A running `clipkit` with its output collected.
    final class Run: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var outputData = Data(), errorData = Data()

        init(_ arguments: [String]) throws {
            guard let executable = CommandLineTests.executable else { throw ExecutableMissing() }
            process.executableURL = executable
            process.arguments = arguments
            let output = Pipe(), error = Pipe()
            process.standardOutput = output
            process.standardError = error
            output.fileHandleForReading.readabilityHandler = { [unowned self] handle in
                let data = handle.availableData
                lock.lock(); outputData += data; lock.unlock()
            }
            error.fileHandleForReading.readabilityHandler = { [unowned self] handle in
                let data = handle.availableData
                lock.lock(); errorData += data; lock.unlock()
            }
            try process.run()
        }

        var output: String { lock.lock(); defer { lock.unlock() }; return String(decoding: outputData, as: UTF8.self) }
        var errors: String { lock.lock(); defer { lock.unlock() }; return String(decoding: errorData, as: UTF8.self) }

        /// Waits for the exit and for the pipes to drain.
        func finish() -> Int32 {
            process.waitUntilExit()
            Thread.sleep(forTimeInterval: 0.2)
            return process.terminationStatus
        }
    }

    /// Runs `clipkit` to completion.
    func clipkit(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let run = try Run(arguments)
        let status = run.finish()
        return (status, run.output, run.errors)
    }

    /// The summary row `name` of `clipkit index`'s output.
    func count(_ name: String, in summary: String) -> Int? {
        for line in summary.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count >= 2, words[0] == name { return Int(words[1]) }
        }
        return nil
    }

    @Test func killedIndexingResumesAndSearchFindsTheCat() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-cli-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let photos = root.appendingPathComponent("photos", isDirectory: true)
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        let names = ["chelsea.png", "coffee.png", "rocket.jpg", "astronaut.png", "horse.png", "moon.png", "camera.png", "coins.png"]
        let copies = 5, batchSize = 4
        for copy in 0..<copies {
            for name in names {
                try FileManager.default.copyItem(at: try TestPaths.installedPackageFile("skimage/data/" + name),
                                                 to: photos.appendingPathComponent("\(copy)-\(name)"))
            }
        }
        let total = copies * names.count
        let store = root.appendingPathComponent("photos.db")
        let indexArguments = ["index", photos.path, "--db", store.path, "--batch-size", String(batchSize)]

        // Kill -9 once at least two batches are committed.
        let first = try Run(indexArguments)
        let deadline = Date(timeIntervalSinceNow: 300)
        while first.process.isRunning, !first.errors.contains("model: "), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        var committed = 0
        while first.process.isRunning, Date() < deadline {
            committed = try EmbeddingStore.openExisting(at: store).itemCount()
            if committed >= 2 * batchSize { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(first.process.isRunning, "indexing ended before it could be killed: \(first.errors)")
        kill(first.process.processIdentifier, SIGKILL)
        _ = first.finish()
        #expect(first.process.terminationReason == .uncaughtSignal)
        do {
            let killed = try EmbeddingStore.openExisting(at: store)
            let items = try killed.items()
            committed = items.count
            #expect(committed >= 2 * batchSize && committed < total && committed % batchSize == 0)
            let embeddings = try killed.embeddingCount()
            #expect(Set(items.map(\.key)).count == committed && embeddings == committed)
        }

        // The second run embeds exactly what is missing.
        let second = try clipkit(indexArguments)
        #expect(second.status == 0, "\(second.errors)")
        #expect(count("added", in: second.output) == total - committed)
        #expect(count("unchanged", in: second.output) == committed)
        #expect(second.errors.contains("embedding images [") && second.errors.contains("/s"))
        let resumed = try EmbeddingStore.openExisting(at: store)
        let keys = try resumed.items().map(\.key)
        #expect(keys.count == total && Set(keys).count == total)
        #expect(try resumed.embeddingCount() == total)

        // Search: the five copies of the cat come first.
        let search = try clipkit(["search", "--db", store.path, "--text", "a cat", "-k", String(copies), "--format", "csv"])
        #expect(search.status == 0, "\(search.errors)")
        let rows = search.output.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.first == ["rank", "score", "key", "path", "label", "text"])
        #expect(rows.dropFirst().map { String($0[2]) }.sorted() == (0..<copies).map { "\($0)-chelsea.png" })
        #expect(rows.dropFirst().allSatisfy { String($0[3]) == photos.appendingPathComponent(String($0[2])).path })

        // A third run has nothing to do.
        let third = try clipkit(indexArguments)
        #expect(third.output.hasPrefix("Up to date: nothing new to embed"))
        #expect(count("unchanged", in: third.output) == total)

        // Another model is refused with the store's explanation.
        let other = TestPaths.fixture("clip_models", "hf_clip")
        let refused = try clipkit(["search", "--db", store.path, "--text", "a cat", "--model", other.path])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("was built with clipkit-default"))
        #expect(refused.errors.contains("(clipkit search and retrieve load it when --model is left out)"))
    }
}

/// `clipkit embed` end to end with the OpenCLIP fixture folder: a folder argument lists images as
/// `clipkit index` does, unreadable files are skipped with their reason, rows match open_clip, and
/// a text file with invalid UTF-8 is refused naming the line.
@Suite struct EmbedCommandLineTests {
    @Test func embedsAFolderAndRefusesInvalidText() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-embed-\(UUID().uuidString)", isDirectory: true)
        let images = folder.appendingPathComponent("images", isDirectory: true)
        try FileManager.default.createDirectory(at: images.appendingPathComponent("nested"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cat = try TestPaths.installedPackageFile("skimage/data/chelsea.png")
        try FileManager.default.copyItem(at: cat, to: images.appendingPathComponent("nested/chelsea.png"))
        try FileManager.default.copyItem(at: cat, to: images.appendingPathComponent(".hidden.png"))
        try Data("not a png".utf8).write(to: images.appendingPathComponent("broken.png"))
        let model = TestPaths.fixture("facade", "tiny_clip").path
        let out = folder.appendingPathComponent("e.npy")

        let run = try CommandLineTests().clipkit(["embed", "--model", model, "--images", images.path, "--out", out.path])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.errors.contains("skipped \(images.appendingPathComponent("broken.png").path)"))
        let keys = try String(contentsOf: folder.appendingPathComponent("e.keys.txt"), encoding: .utf8)
        #expect(keys == images.appendingPathComponent("nested/chelsea.png").path + "\n")
        let inputs = try ModelRegistryTests.inputs()
        let reference = try ModelRegistryTests.reference("image_embeddings")
        let row = inputs.photos.firstIndex(of: "chelsea.png")!
        let width = reference.shape[1]
        let expected = Tensor(shape: [1, width], scalars: Array(reference.scalars[(row * width)..<((row + 1) * width)]))
        ModelRegistryTests.expectRowsMatch(try NPYFile.read(contentsOf: out), expected)

        let texts = folder.appendingPathComponent("texts.txt")
        try Data([0x61, 0x20, 0x63, 0x61, 0x74, 0x0A, 0x62, 0xFF, 0x64, 0x0A]).write(to: texts)
        let refused = try CommandLineTests().clipkit(["embed", "--model", model, "--texts", texts.path,
                                                      "--out", folder.appendingPathComponent("t.jsonl").path])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("line 2 is not valid UTF-8"), "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("t.jsonl").path))
    }
}

/// The evaluation commands' CLIP_benchmark output.
@Suite struct EvaluationCommandLineTests {
    /// `eval zeroshot` on class folders written by `export fashion-mnist`, with CLIP_benchmark's
    /// result layout; `eval retrieval` writes its own CLIP_benchmark layout.
    @Test func zeroShotOnClassFoldersWritesCLIPBenchmarkJSON() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-cli-zeroshot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = folder.appendingPathComponent("fashion")
        let export = try CommandLineTests().clipkit(["export", "fashion-mnist", "--out", images.path, "--limit", "30"])
        #expect(export.status == 0, "\(export.errors)")
        let benchmark = folder.appendingPathComponent("zeroshot.json")
        let run = try CommandLineTests().clipkit(["eval", "zeroshot", "--dataset", images.path, "--templates", "photo", "--batch-size", "16",
                               "--benchmark-json", benchmark.path])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("clipkit-default on \(images.path): 30 images"), "\(run.output)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: benchmark)) as? [String: Any])
        #expect(object["dataset"] as? String == "fashion" && object["model"] as? String == "clipkit-default")
        #expect(object["pretrained"] as? String == "clipkit-default" && object["task"] as? String == "zeroshot_classification")
        let metrics = try #require(object["metrics"] as? [String: Double])
        #expect(Set(metrics.keys) == ["acc1", "acc5", "mean_per_class_recall"] && metrics.values.allSatisfy { (0...1).contains($0) })

        let captions = folder.appendingPathComponent("captions.csv")
        let photos = try TestPaths.installedPackageFile("skimage/data")
        try Data("image,caption\n\(photos.path)/chelsea.png,a cat\n\(photos.path)/coffee.png,a cup of coffee\n".utf8).write(to: captions)
        let retrieval = folder.appendingPathComponent("retrieval.json")
        let evaluated = try CommandLineTests().clipkit(["eval", "retrieval", "--dataset", captions.path, "--allow-outside-root",
                                                               "--benchmark-json", retrieval.path, "--quiet"])
        #expect(evaluated.status == 0, "\(evaluated.errors)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: retrieval)) as? [String: Any])
        #expect(result["task"] as? String == "zeroshot_retrieval" && result["dataset"] as? String == "captions")
        let recalls = try #require(result["metrics"] as? [String: Double])
        #expect(Set(recalls.keys) == Set([1, 5, 10].flatMap { ["image_retrieval_recall@\($0)", "text_retrieval_recall@\($0)"] }))
        #expect(recalls["image_retrieval_recall@5"] == 1 && recalls["text_retrieval_recall@5"] == 1)
    }
}
