import Autograd
import Foundation
import Models
import Tensor
import TestSupport
import Testing

/// all-MiniLM-L6-v2 with its real weights against sentence-transformers, and the pooling modes.
@Suite struct SentenceTransformerTests {
    struct Sentences: Decodable { let sentences: [String] }

    @Test func miniLMMatchesSentenceTransformersOn200Sentences() throws {
        let model = try SentenceTransformer(directory: try BERTFixtures.miniLMFolder())
        #expect(model.maximumSequenceLength == 256)
        #expect(model.embeddingDimension == 384)
        #expect(model.normalizes)
        #expect(model.pooling.configuration.modes == [.mean])
        let texts = try JSONDecoder().decode(
            Sentences.self, from: Data(contentsOf: BERTFixtures.url("sentence_transformers", "minilm_sentences.json"))).sentences
        let reference = try BERTFixtures.reference("sentence_transformers", "minilm_embeddings.safetensors")
        #expect(texts.count == 200)

        // Same token counts as sentence-transformers' tokenizer, truncation included.
        let counts = try texts.map { try model.tokenizer.encodeForModel($0, maximumLength: 256).inputIDs.count }
        #expect(counts == BERTFixtures.integers(reference["token_counts"]!))
        #expect(counts.filter { $0 == 256 }.count >= 10)

        let embeddings = try model.embed(texts: texts, batchSize: 32)
        let measure = ParityMeasure(embeddings, reference["embeddings"]!)
        print("all-MiniLM-L6-v2, 200 sentences vs sentence-transformers: \(measure); worst: \(texts[measure.worstRow].prefix(60))")
        #expect(measure.minimumRowCosine >= 0.99999, "\(measure)")
        #expect(measure.maximumDifference <= 1e-4, "\(measure)")
    }

    @Test func batchingAndOrderDoNotChangeEmbeddings() throws {
        let model = try SentenceTransformer(directory: try BERTFixtures.miniLMFolder())
        let texts = ["A short one.", "", "A somewhat longer sentence about a dog that runs across a sunny meadow.",
                     "Two words", "一只小狗在草地上奔跑。"]
        let together = try model.embed(texts: texts, batchSize: 64)
        let oneByOne = try Tensor.concatenate(texts.map { try model.embed(texts: [$0]) }, alongAxis: 0)
        #expect(together.shape == [5, 384])
        #expect(ParityMeasure(together, oneByOne).maximumDifference < 2e-6)
        let norms = (0..<5).map { row in together[row].scalars.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        #expect(norms.allSatisfy { abs($0 - 1) < 1e-5 }, "\(norms)")
        #expect(try model.embed(texts: []).shape == [0, 384])
    }

    /// Token embeddings `[2, 4, 2]`, row 0 with 3 real tokens, row 1 with 1.
    static let tokens = Tensor(shape: [2, 4, 2], scalars: [1, 2, 3, -4, 5, 6, 100, 100,
                                                           -1, 7, 50, 50, 60, 60, 70, 70])
    static let mask = [1, 1, 1, 0, 1, 0, 0, 0]

    /// Expected pooled rows of `tokens` under each mode, worked out by hand from sentence-transformers' rules.
    static let poolingCases: [(PoolingMode, [Float])] = {
        let root3 = Float(3).squareRoot()
        return [
            (.cls, [1, 2, -1, 7]),
            (.max, [5, 6, -1, 7]),
            (.mean, [3, 4 / 3, -1, 7]),
            (.meanSquareRootLength, [9 / root3, 4 / root3, -1, 7]),
            (.weightedMean, [22 / 6, 12 / 6, -1, 7]),
            (.lastToken, [5, 6, -1, 7]),
        ]
    }()

    @Test(arguments: poolingCases)
    func poolingModesFollowSentenceTransformers(mode: PoolingMode, expected: [Float]) {
        let pooling = SentencePooling(PoolingConfiguration(embeddingDimension: 2, modes: [mode]))
        let pooled = pooling(Variable(Self.tokens), attentionMask: Self.mask).value
        #expect(pooled.shape == [2, 2])
        for (actual, wanted) in zip(pooled.scalars, expected) { #expect(abs(actual - wanted) < 1e-5, "\(mode): \(pooled.scalars)") }
    }

    @Test func poolingModesConcatenateAndCarryGradients() {
        let pooling = SentencePooling(PoolingConfiguration(embeddingDimension: 2, modes: [.cls, .max, .mean]))
        let input = Variable(Self.tokens, requiresGradient: true)
        let pooled = pooling(input, attentionMask: Self.mask)
        #expect(pooled.shape == [2, 6])
        pooled.sum().backward()
        let gradient = try! #require(input.gradient).scalars
        // Row 0: cls picks token 0, max token 2 in both columns, mean gives 1/3 to tokens 0–2; row 1 has only token 0.
        let third: Float = 1.0 / 3
        let expected: [Float] = [1 + third, 1 + third, third, third, 1 + third, 1 + third, 0, 0,
                                 3, 3, 0, 0, 0, 0, 0, 0]
        for (actual, wanted) in zip(gradient, expected) { #expect(abs(actual - wanted) < 1e-5, "\(gradient)") }
    }

    @Test func poolingConfigurationReadsBothSpellings() throws {
        let legacy = try JSONDecoder().decode(PoolingConfiguration.self, from: Data("""
            {"word_embedding_dimension": 384, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true,
             "pooling_mode_max_tokens": true, "pooling_mode_mean_sqrt_len_tokens": false}
            """.utf8))
        #expect(legacy == PoolingConfiguration(embeddingDimension: 384, modes: [.max, .mean]))
        #expect(legacy.outputDimension == 768)
        let allFalse = try JSONDecoder().decode(PoolingConfiguration.self, from: Data(#"{"word_embedding_dimension": 8}"#.utf8))
        #expect(allFalse.modes == [.mean])
        let current = try JSONDecoder().decode(PoolingConfiguration.self, from: Data(
            #"{"embedding_dimension": 16, "pooling_mode": "lasttoken", "include_prompt": true}"#.utf8))
        #expect(current == PoolingConfiguration(embeddingDimension: 16, modes: [.lastToken]))
        let list = try JSONDecoder().decode(PoolingConfiguration.self, from: Data(
            #"{"embedding_dimension": 16, "pooling_mode": ["cls", "weightedmean"]}"#.utf8))
        #expect(list.modes == [.cls, .weightedMean])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PoolingConfiguration.self, from: Data(#"{"embedding_dimension": 4, "pooling_mode": "median"}"#.utf8))
        }
        let roundTrip = try JSONDecoder().decode(PoolingConfiguration.self, from: JSONEncoder().encode(list))
        #expect(roundTrip == list)
    }

    @Test func unsupportedModulesAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let modules = """
            [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
             {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
             {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]
            """
        try Data(modules.utf8).write(to: folder.appendingPathComponent("modules.json"))
        #expect(throws: ModelError.unsupportedModule(path: folder.appendingPathComponent("modules.json").path,
                                                           type: "sentence_transformers.models.Dense")) {
            try SentenceTransformer(directory: folder)
        }
        let pipeline = try SentenceTransformerModule.pipeline(contentsOf: try BERTFixtures.miniLMFolder().appendingPathComponent("modules.json"))
        #expect(pipeline.map(\.kind) == [.transformer, .pooling, .normalize])
    }
}
