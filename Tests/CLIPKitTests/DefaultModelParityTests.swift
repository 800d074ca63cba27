import Models
import CLIPKit
import Checkpoint
import Foundation
import Tensor
import TestSupport
import Testing

/// `clipkit-default` as `ModelRegistry` builds it from the installed packages against ConSE computed
/// in PyTorch (`scripts/fixtures/conse.py`: efficientnet_lite_pytorch + sentence-transformers,
/// T = 10, "a photo of a {}."): every image and text embedding within cosine 0.9999 of the
/// reference, the same three best photos for every query, the same label embeddings.
@Suite(.serialized) struct DefaultModelParityTests {
    struct Manifest: Decodable {
        struct Ranking: Decodable {
            let query: String
            let photos: [String]
            let scores: [Float]
        }
        struct LabelSample: Decodable {
            let classes: [Int]
            let prompts: [String]
        }
        let top_count: Int
        let template: String
        let photos: [String]
        let queries: [String]
        let rankings: [Ranking]
        let label_sample: LabelSample
    }

    static let minimumCosine: Float = 0.9999
    /// Two photos whose reference scores for a query lie this close count as tied: either order passes.
    static let tieTolerance: Float = 1e-4

    static let manifest = Result {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: TestPaths.fixture("conse", "conse_reference.json")))
    }
    static let reference = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("conse", "conse_reference.safetensors")) }
    static let model = Result { try ModelRegistry.load("clipkit-default") }

    static func photoURLs(_ manifest: Manifest) throws -> [URL] {
        try manifest.photos.map { try TestPaths.installedPackageFile("skimage/data/\($0)") }
    }

    /// Cosine similarity of row `row` of two `[N, D]` matrices.
    static func rowCosine(_ a: Tensor, _ b: Tensor, row: Int) -> Float {
        let (x, y) = (a[row].scalars, b[row].scalars)
        var (dot, xx, yy): (Float, Float, Float) = (0, 0, 0)
        for index in x.indices {
            dot += x[index] * y[index]
            xx += x[index] * x[index]
            yy += y[index] * y[index]
        }
        return dot / max((xx * yy).squareRoot(), 1e-12)
    }

    @Test func loadsTheConfiguredConSEModel() throws {
        let (manifest, model) = (try Self.manifest.get(), try Self.model.get())
        let conse = try #require(model.imageEncoder as? ConSEImageEncoder)
        #expect(model.identity.name == "clipkit-default")
        #expect(model.identity.dimension == 384)
        #expect(conse.topCount == manifest.top_count)
        #expect(DefaultModel.labelTemplate == manifest.template)
        #expect(conse.labelEmbeddings.shape == [1000, 384])
    }

    @Test func labelEmbeddingsMatchSentenceTransformers() throws {
        let (manifest, model) = (try Self.manifest.get(), try Self.model.get())
        let labels = try #require(model.imageEncoder as? ConSEImageEncoder).labelEmbeddings
        let expected = try Self.reference.get().tensor(named: "labels.sample_embeddings")
        let actual = Tensor.concatenate(manifest.label_sample.classes.map { labels[$0].reshaped([1, 384]) }, alongAxis: 0)
        for (row, prompt) in manifest.label_sample.prompts.enumerated() {
            let cosine = Self.rowCosine(actual, expected, row: row)
            #expect(cosine >= Self.minimumCosine, "label \"\(prompt)\": cosine \(cosine)")
        }
    }

    @Test func imageAndTextEmbeddingsAndRankingsMatchPyTorch() throws {
        let (manifest, model) = (try Self.manifest.get(), try Self.model.get())
        let reference = try Self.reference.get()
        let images = try model.embed(imageFiles: try Self.photoURLs(manifest), batchSize: 8)
        #expect(images.unreadable.isEmpty, "\(images.unreadable)")
        #expect(images.embedded.map(\.lastPathComponent) == manifest.photos)
        let texts = try model.embed(texts: manifest.queries)
        let expectedImages = try reference.tensor(named: "images.embeddings")
        let expectedTexts = try reference.tensor(named: "texts.embeddings")
        #expect(images.embeddings.shape == expectedImages.shape && texts.shape == expectedTexts.shape)

        var worst: Float = 1
        for (row, photo) in manifest.photos.enumerated() {
            let cosine = Self.rowCosine(images.embeddings, expectedImages, row: row)
            worst = min(worst, cosine)
            #expect(cosine >= Self.minimumCosine, "\(photo): cosine \(cosine)")
        }
        for (row, query) in manifest.queries.enumerated() {
            let cosine = Self.rowCosine(texts, expectedTexts, row: row)
            worst = min(worst, cosine)
            #expect(cosine >= Self.minimumCosine, "\"\(query)\": cosine \(cosine)")
        }
        print("clipkit-default vs PyTorch ConSE: lowest cosine over \(manifest.photos.count) photos and \(manifest.queries.count) texts \(worst)")

        // Rank k of ours must be a photo whose reference score equals the reference's k-th score
        // up to the tie tolerance (identical photos such as chessboard_GRAY/RGB tie exactly).
        let ours = Tensor.matmul(texts, images.embeddings, transposeB: true)                                      // [queries, photos]
        let theirs = Tensor.matmul(expectedTexts, expectedImages, transposeB: true)                            // [queries, photos]
        for (row, ranking) in manifest.rankings.enumerated() {
            let scores = ours[row].scalars, referenceScores = theirs[row].scalars
            let best = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(ranking.photos.count)
            for (rank, photo) in best.enumerated() {
                let expectedIndex = try #require(manifest.photos.firstIndex(of: ranking.photos[rank]))
                let gap = abs(referenceScores[photo] - referenceScores[expectedIndex])
                #expect(photo == expectedIndex || gap <= Self.tieTolerance,
                        "\"\(ranking.query)\" rank \(rank + 1): \(manifest.photos[photo]), reference \(ranking.photos[rank])")
                #expect(abs(scores[photo] - ranking.scores[rank]) <= 1e-3 + gap,
                        "\"\(ranking.query)\" rank \(rank + 1): score \(scores[photo]) vs \(ranking.scores[rank])")
            }
        }
    }

    @Test func secondLoadReadsTheLabelCache() throws {
        _ = try Self.model.get()  // the first load computed or read the 1000 label embeddings
        var computed = 0
        let again = try DefaultModel.installed(progress: { _, _ in computed += 1 })
        #expect(computed == 0, "the second load embedded the labels again instead of reading the cache")
        let first = try Self.model.get()
        let labels = { (model: ImageTextModel) in (model.imageEncoder as? ConSEImageEncoder)?.labelEmbeddings }
        #expect(try #require(labels(again)).maxAbsoluteDifference(try #require(labels(first))) == 0)
        #expect(again.identity == first.identity)
    }
}
