import Models
import CLIPKit
import Evaluation
import Foundation
import Retrieval
import Tensor
import TestSupport
import Testing

/// Indexing and searching scikit-image's sample photos with the real `clipkit-default` model
/// (EfficientNet-Lite0 + all-MiniLM-L6-v2 installed by `scripts/setup.sh`).
@Suite(.serialized) struct CollectionSearchTests {
    static let photos = ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "horse.png", "moon.png",
                         "motorcycle_left.png", "rocket.jpg"]
    static let loaded = Result { try ModelRegistry.load(DefaultModel.name) }

    /// A temporary folder holding copies of the photos under `photos/`, removed afterwards.
    final class Workspace {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-search-\(UUID().uuidString)", isDirectory: true)
        var photos: URL { url.appendingPathComponent("photos", isDirectory: true) }
        var storeURL: URL { url.appendingPathComponent("store.db") }

        init() throws {
            try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
            for name in CollectionSearchTests.photos {
                try FileManager.default.copyItem(at: try TestPaths.installedPackageFile("skimage/data/" + name),
                                                 to: photos.appendingPathComponent(name))
            }
        }

        deinit { try? FileManager.default.removeItem(at: url) }

        @discardableResult
        func write(_ text: String, to name: String) throws -> URL {
            let file = url.appendingPathComponent(name)
            try Data(text.utf8).write(to: file)
            return file
        }
    }

    func model() throws -> ImageTextModel { try Self.loaded.get() }

    /// Cosine similarity of a text and a stored image, computed directly from the embeddings.
    func similarity(_ text: String, _ key: String, in store: EmbeddingStore) throws -> Float {
        let images = try store.embeddings()
        let row = try #require(images.rowsByKey()[key])
        let query = try model().embed(texts: [text])
        return (0..<images.dimension).reduce(Float(0)) { $0 + query.pointer[$1] * images.vectors.pointer[row * images.dimension + $1] }
    }

    @Test func findsTheCatAndReindexesNothing() throws {
        let workspace = try Workspace()
        let model = try model()
        let store = try EmbeddingStore(path: workspace.storeURL)
        let indexer = Indexer(store: store, model: model)
        let first = try indexer.index(ImageFolderSource(root: workspace.photos))
        #expect(first.embeddedItems == Self.photos.count && first.failures.isEmpty)

        let search = try CollectionSearch(store: store, model: model)
        let cat = try search.search(.text("a cat"), k: 3)
        #expect(cat.map(\.key).first == "chelsea.png")
        #expect(cat.first?.path == workspace.photos.appendingPathComponent("chelsea.png").path)
        #expect(cat.map(\.rank) == [1, 2, 3])
        #expect(cat[0].score > cat[1].score && cat[1].score >= cat[2].score)
        #expect(abs(cat[0].score - (try similarity("a cat", "chelsea.png", in: store))) < 1e-5)
        #expect(try search.search(.text("a cup of coffee"), k: 1).first?.key == "coffee.png")
        #expect(try search.search(.text("a motorcycle"), k: 1).first?.key == "motorcycle_left.png")

        // image→image: the query photo itself comes first, at cosine 1.
        let similar = try search.search(.image(workspace.photos.appendingPathComponent("rocket.jpg")), k: 2)
        #expect(similar.first?.key == "rocket.jpg")
        #expect(abs((similar.first?.score ?? 0) - 1) < 1e-4)
        // …unless it is left out: the next image moves up to rank 1.
        let others = try search.similarImages(to: workspace.photos.appendingPathComponent("rocket.jpg"), k: 2, excludingQuery: true)
        #expect(others.map(\.key) == [similar[1].key, try search.search(.image(workspace.photos.appendingPathComponent("rocket.jpg")), k: 3)[2].key])
        #expect(others.map(\.rank) == [1, 2] && others[0].score == similar[1].score)
        // More results asked for than stored: all of them.
        #expect(try search.search(.text("a cat"), k: 100).count == Self.photos.count)
        // Image→text without captions says what to do.
        #expect(throws: CollectionSearchError.noCaptions(storePath: workspace.storeURL.path)) {
            try search.search(.captionsOf(workspace.photos.appendingPathComponent("chelsea.png")), k: 1)
        }

        // Running again embeds nothing; a changed file is re-embedded alone.
        let second = try indexer.index(ImageFolderSource(root: workspace.photos))
        #expect(second.embeddedItems == 0 && second.unchangedItems == Self.photos.count)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)],
                                              ofItemAtPath: workspace.photos.appendingPathComponent("coffee.png").path)
        let third = try indexer.index(ImageFolderSource(root: workspace.photos))
        #expect(third.embeddedItems == 1 && third.replacedItems == 1 && third.unchangedItems == Self.photos.count - 1)
        #expect(try store.embeddingCount() == Self.photos.count)
    }

    @Test func aStoreReloadsItsModelAndRefusesAnother() throws {
        let workspace = try Workspace()
        let model = try model()
        let store = try EmbeddingStore(path: workspace.storeURL)
        #expect(throws: StoreError.noModelRecorded(storePath: workspace.storeURL.path)) {
            try StoreModelSelection.model(for: store, requested: nil)
        }
        _ = try Indexer(store: store, model: model).index(ImageFolderSource(root: workspace.photos))

        let reloaded = try StoreModelSelection.model(for: store, requested: nil)
        #expect(reloaded.identity == model.identity)

        // ConSE with another top-T is another model: refused by its recorded options, by the store's own check.
        let otherTopCount = try ModelRegistry.load(DefaultModel.name, options: ModelOptions(topCount: 5))
        #expect(otherTopCount.identity.name == "clipkit-default" && otherTopCount.identity.options.topCount == 5)
        do {
            _ = try StoreModelSelection.model(for: store, requested: DefaultModel.name, options: ModelOptions(topCount: 5))
            Issue.record("a store built with clipkit-default accepted clipkit-default(T=5)")
        } catch let StoreError.modelMismatch(path, stored, requested, difference) {
            #expect(path == workspace.storeURL.path && stored == model.identity && requested == otherTopCount.identity)
            #expect(difference == "ConSE top classes (T) 10 vs 5")
        }
        #expect(throws: StoreError.self) { try CollectionSearch(store: store, model: otherTopCount) }

        // A store built with T=5 reloads it from the recorded name and options.
        let otherStore = try EmbeddingStore(path: workspace.url.appendingPathComponent("t5.db"))
        try otherStore.begin(model: otherTopCount.identity)
        #expect(try StoreModelSelection.model(for: otherStore, requested: nil).identity == otherTopCount.identity)

        // A recorded model that cannot be loaded any more names the way out.
        let lost = try EmbeddingStore(path: workspace.url.appendingPathComponent("lost.db"))
        try lost.begin(model: ModelIdentity(name: workspace.url.appendingPathComponent("moved.safetensors").path,
                                            checkpointHash: "00", dimension: 512, preprocessing: nil))
        let error = #expect(throws: RecordedModelError.self) { try StoreModelSelection.model(for: lost, requested: nil) }
        #expect(error.map { "\($0)".contains("Pass --model with the same weights") } == true)
    }

    @Test func captionsRecallAndResultFiles() throws {
        let workspace = try Workspace()
        let model = try model()
        let captions: [(String, String)] = [
            ("astronaut.png", "an astronaut in a space suit"), ("camera.png", "a man with a camera on a tripod"),
            ("chelsea.png", "a tabby cat"), ("chelsea.png", "a cat looking at the camera"),
            ("coffee.png", "a cup of coffee on a saucer"), ("horse.png", "a horse"), ("moon.png", "the surface of the moon"),
            ("motorcycle_left.png", "a red motorcycle"), ("rocket.jpg", "a rocket launch"),
        ]
        let table = try workspace.write("image,caption\n" + captions.map { "photos/\($0.0),\"\($0.1)\"" }.joined(separator: "\n"),
                                        to: "captions.csv")
        let specification = SourceSpecification(location: table)
        #expect(try specification.resolvedFormat() == .csv)
        let store = try EmbeddingStore(path: workspace.storeURL)
        let report = try Indexer(store: store, model: model).index(try specification.makeSource().catalog())
        #expect(report.embeddedItems == Self.photos.count && report.embeddedCaptions == captions.count)

        // Image→text over the indexed captions.
        let search = try CollectionSearch(store: store, model: model)
        let described = try search.search(.captionsOf(workspace.photos.appendingPathComponent("coffee.png")), k: 2)
        #expect(described.first?.text == "a cup of coffee on a saucer")
        #expect(described.first?.imageKeys == ["photos/coffee.png"])

        // Recall over the store equals recall from the full score matrix.
        let metrics = try RetrievalEvaluation.evaluate(store: store)
        let images = try store.embeddings(of: .items), texts = try store.embeddings(of: .captions)
        let links = try store.groundTruth(images: images, captions: texts)
        let scores = Tensor.matmul(texts.vectors, images.vectors, transposeB: true)
        #expect(metrics == (try RetrievalEvaluation.evaluate(textToImageScores: scores, imagesOfText: links.imagesOfCaption)))
        #expect(metrics.textToImage.queries == captions.count && metrics.imageToText.queries == Self.photos.count)
        #expect(metrics.textToImage.recall[10] == 1 && metrics.imageToText.recall[10] == 1)  // 8 images, 9 captions

        // Batch text→image retrieval written as a result file.
        let queries = try QueryTable(contentsOf: try workspace.write("query_id,text\nq-cat,a cat\nq-coffee,\"a cup of coffee, hot\"\n",
                                                                     to: "queries.csv"), valueColumn: "text")
        let batch = try search.retrieve(queries, direction: .textToImage, k: 3)
        let text = ResultFile.render(batch.results, depth: 3)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 1 + 2 * 3 && lines[0] == "query_id,rank,result_id,score")
        let catScore = try similarity("a cat", "photos/chelsea.png", in: store)
        #expect(lines[1] == "q-cat,1,photos/chelsea.png," + String(format: "%.6f", Double(catScore)))
        #expect(lines[4].hasPrefix("q-coffee,1,photos/coffee.png,"))
        #expect(lines.dropFirst().map { $0.split(separator: ",")[1] } == ["1", "2", "3", "1", "2", "3"])
        let file = workspace.url.appendingPathComponent("result.csv")
        try ResultFile.write(batch.results, depth: 3, to: file)
        #expect(try ResultFile.read(from: file).map(\.queryID) == ["q-cat", "q-coffee"])

        // Image→text queries from files; an undecodable one is reported and left out.
        try workspace.write("not an image", to: "broken.png")
        let imageQueries = try QueryTable(contentsOf: try workspace.write(
            "query_id,image\ncat,photos/chelsea.png\nbroken,broken.png\nrocket,photos/rocket.jpg\n", to: "images.csv"), valueColumn: "image")
        let described2 = try search.retrieve(imageQueries, direction: .imageToText, k: 1)
        #expect(described2.results.map(\.queryID) == ["cat", "rocket"])
        #expect(described2.unreadable.map(\.path) == [workspace.url.appendingPathComponent("broken.png").path])
        let captionKeys = Dictionary(try store.captions().map { ($0.key, $0.text) }, uniquingKeysWith: { first, _ in first })
        #expect(captionKeys[described2.results[1].entries[0].resultID] == "a rocket launch")
    }
}
