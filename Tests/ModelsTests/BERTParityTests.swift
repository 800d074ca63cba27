import Autograd
import Checkpoint
import Foundation
import Models
import NN
import Tensor
import TestSupport
import Testing

/// Random-init transformers models against their outputs (`scripts/fixtures/bert.py`).
@Suite struct BERTParityTests {
    static let reference = Result { try BERTFixtures.reference("bert", "tiny_bert.reference.safetensors") }

    static func input(_ reference: [String: Tensor], prefix: String = "") -> BERTInput {
        let ids = reference["\(prefix)input_ids"]!
        return BERTInput(batch: ids.shape[0], length: ids.shape[1], tokenIDs: BERTFixtures.integers(ids),
                         attentionMask: BERTFixtures.integers(reference["\(prefix)attention_mask"]!),
                         tokenTypeIDs: reference["\(prefix)token_type_ids"].map(BERTFixtures.integers))
    }

    @Test func tinyBERTMatchesTransformersOnAPaddedBatch() throws {
        let reference = try Self.reference.get()
        let model = try BERTModel.load(directory: BERTFixtures.url("bert", "tiny_bert"))
        #expect(model.pooler != nil)
        #expect(model.configuration == BERTConfiguration(
            vocabularySize: 99, hiddenSize: 32, layers: 2, attentionHeads: 4, intermediateSize: 37, maximumPositions: 40))
        let output = GradientMode.withoutGradients { model(Self.input(reference)) }
        let hidden = ParityMeasure(output.lastHiddenState.value, reference["last_hidden_state"]!)
        let pooled = ParityMeasure(try #require(output.pooledOutput).value, reference["pooler_output"]!)
        print("tiny BERT last hidden state (padding positions included): \(hidden)")
        print("tiny BERT pooled output: \(pooled)")
        #expect(hidden.isWithinTolerance, "\(hidden)")
        #expect(pooled.isWithinTolerance, "\(pooled)")
    }

    @Test func paddingDoesNotChangeRealTokens() throws {
        let reference = try Self.reference.get()
        let model = try BERTModel.load(directory: BERTFixtures.url("bert", "tiny_bert"))
        let batch = Self.input(reference)
        let padded = GradientMode.withoutGradients { model(batch).lastHiddenState.value }
        // Row 2 has 3 real tokens; alone and unpadded it must give the same states.
        let row = 2, count = batch.tokenCount(ofRow: row)
        let start = row * batch.length
        let alone = BERTInput(batch: 1, length: count, tokenIDs: Array(batch.tokenIDs[start..<(start + count)]),
                              tokenTypeIDs: Array(batch.tokenTypeIDs[start..<(start + count)]))
        let unpadded = GradientMode.withoutGradients { model(alone).lastHiddenState.value }
        let paddedRow = padded[row].narrowed(alongAxis: 0, start: 0, length: count).reshaped([1, count, 32])
        #expect(ParityMeasure(paddedRow, unpadded).maximumDifference < 1e-5)
    }

    @Test(arguments: [("sdpa", AttentionMaskFill.negativeInfinity), ("eager", AttentionMaskFill.float32Minimum)])
    func fullyPaddedRowsFollowTheChosenFill(implementation: String, fill: AttentionMaskFill) throws {
        let reference = try Self.reference.get()
        let model = try BERTModel.load(directory: BERTFixtures.url("bert", "tiny_bert"), maskFill: fill)
        let input = Self.input(reference, prefix: "padded_row.")
        #expect(input.tokenCount(ofRow: 1) == 0)
        let hidden = GradientMode.withoutGradients { model(input).lastHiddenState.value }
        let measure = ParityMeasure(hidden, reference["padded_row.\(implementation).last_hidden_state"]!)
        print("tiny BERT, a fully padded row, \(implementation) attention: \(measure)")
        #expect(measure.isWithinTolerance, "\(measure)")
    }

    @Test func constantFillAttendsAsIfUnmasked() throws {
        let reference = try Self.reference.get()
        let model = try BERTModel.load(directory: BERTFixtures.url("bert", "tiny_bert"), maskFill: .constant(-10_000))
        let padded = Self.input(reference, prefix: "padded_row.")
        let unmasked = BERTInput(batch: padded.batch, length: padded.length, tokenIDs: padded.tokenIDs)
        let rowOf = { (input: BERTInput) in GradientMode.withoutGradients { model(input).lastHiddenState.value[1] } }
        // Equal up to the rounding of scores near −10⁴ to Float32's grid there (steps of 2⁻¹⁰).
        let measure = ParityMeasure(rowOf(padded), rowOf(unmasked))
        #expect(measure.relativeMaximumDifference < 1e-3 && measure.minimumRowCosine > 0.99999, "\(measure)")
    }

    @Test func tinyRoBERTaMatchesTransformers() throws {
        let reference = try BERTFixtures.reference("bert", "tiny_roberta.reference.safetensors")
        let model = try BERTModel.load(directory: BERTFixtures.url("bert", "tiny_roberta"))
        #expect(model.pooler == nil)
        #expect(model.configuration.positionNumbering == .afterPadding)
        #expect(model.configuration.paddingTokenID == 1)
        let hidden = GradientMode.withoutGradients { model(Self.input(reference)).lastHiddenState.value }
        let measure = ParityMeasure(hidden, reference["last_hidden_state"]!)
        print("tiny RoBERTa (RobertaForMaskedLM file) last hidden state: \(measure)")
        #expect(measure.isWithinTolerance, "\(measure)")
    }

    @Test func roBERTaPositionsCountRealTokensAfterThePaddingID() {
        let configuration = BERTConfiguration(vocabularySize: 10, hiddenSize: 4, layers: 1, attentionHeads: 1,
                                              intermediateSize: 4, paddingTokenID: 1, positionNumbering: .afterPadding)
        let embeddings = BERTEmbeddings(configuration)
        let input = BERTInput(batch: 2, length: 4, tokenIDs: [0, 5, 6, 2, 0, 7, 2, 1])
        #expect(embeddings.positionIDs(input) == [2, 3, 4, 5, 2, 3, 4, 1])
        let bert = BERTEmbeddings(BERTConfiguration(vocabularySize: 10, hiddenSize: 4, layers: 1, attentionHeads: 1,
                                                    intermediateSize: 4))
        #expect(bert.positionIDs(input) == [0, 1, 2, 3, 0, 1, 2, 3])
    }

    @Test func gradientsReachEveryParameter() throws {
        let model = try BERTModel.load(directory: BERTFixtures.url("bert", "tiny_bert"))
        let reference = try Self.reference.get()
        let output = model(Self.input(reference))
        let pooled = try #require(output.pooledOutput)
        (output.lastHiddenState.squared().mean() + pooled.mean()).backward()
        let withoutGradient = model.namedParameters.filter { $0.parameter.gradient == nil }.map(\.name)
        #expect(withoutGradient.isEmpty, "\(withoutGradient)")
    }
}
