import Autograd
import Checkpoint
import Foundation
import Models
import NN
import Tensor
import Testing
import TestSupport
@testable import Training

/// One training step of whole models gives PyTorch's parameter gradients
/// (`scripts/fixtures/training_parity.py`: open_clip_torch 3.3.0 and transformers 5.23.0 on
/// torch 2.15, in float64 from the same float32 weights).
///
/// Tolerance: relative error ‖g − g_ref‖ / ‖g_ref‖ ≤ 1e-4 per tensor. The reference is exact to
/// float64 rounding, so the error is CLIPKit's float32 arithmetic alone: about 1e-7 per operation,
/// grown by the depth of the graph (two blocks per tower, LayerNorm, softmax, normalisation and a
/// cross-entropy) and by cancellation in small gradients.
///
/// BERT's key biases get a gradient that is exactly zero in exact arithmetic (adding q·b_k to
/// every score of a query leaves its softmax unchanged); both sides return rounding noise there
/// (‖g_ref‖ ~1e-17 in float64), so a relative error means nothing. Such tensors (‖g_ref‖ < 1e-9)
/// must instead have ‖g‖ ≤ 1e-6, four orders of magnitude below every other gradient's norm.
@Suite struct GradientParityTests {
    static func url(_ name: String) -> URL { TestPaths.fixture("training_parity", name) }
    static let tolerance: Float = 1e-4

    /// Compares every parameter's gradient with `grad.<name>` of `reference`; returns the worst error.
    static func compareGradients(_ model: any Module, reference: SafetensorsFile) throws -> Float {
        var worst: Float = 0
        let names = Set(reference.names.filter { $0.hasPrefix("grad.") }.map { String($0.dropFirst(5)) })
        #expect(Set(model.namedParameters.map(\.name)).isSuperset(of: names))
        for (name, parameter) in model.namedParameters where names.contains(name) {
            let expected = try reference.tensor(named: "grad." + name)
            let actual = try #require(parameter.gradient, "no gradient for \(name)")
            let referenceNorm = expected.scalars.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            if referenceNorm < 1e-9 {
                let norm = actual.scalars.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                #expect(norm <= 1e-6, "gradient of \(name) should vanish: norm \(norm)")
                continue
            }
            let error = euclideanRelativeError(actual, expected)
            #expect(error <= tolerance, "gradient of \(name): relative error \(error)")
            worst = max(worst, error)
        }
        #expect(names.count == model.namedParameters.filter { $0.parameter.isTrainable }.count)
        return worst
    }

    /// Expects the step's loss within 1e-5 (relative) of the reference's `loss` and every gradient
    /// to match (`compareGradients`), the worst relative error above 0 and below `bound`.
    static func expectStepMatches(_ label: String, loss: Variable, model: any Module, reference: SafetensorsFile, worstBelow bound: Float,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expectedLoss = try reference.tensor(named: "loss").scalars[0]
        #expect(abs(loss.value.item - expectedLoss) <= 1e-5 * abs(expectedLoss), "loss \(loss.value.item) vs \(expectedLoss)",
                sourceLocation: sourceLocation)
        let worst = try compareGradients(model, reference: reference)
        print("gradient parity \(label): loss \(loss.value.item) vs \(expectedLoss), worst relative error \(worst)")
        #expect(worst > 0 && worst < bound, "worst relative error \(worst)", sourceLocation: sourceLocation)
    }

    @Test func tinyCLIPInfoNCEStepMatchesOpenCLIP() throws {
        let vision = VisionTransformerConfiguration(imageSize: 32, patchSize: 8, width: 32, layers: 2, heads: 4,
                                                    outputDimension: 24, activation: .gelu)
        let text = TextTransformerConfiguration(contextLength: 16, vocabularySize: 512, width: 32, layers: 2, heads: 4,
                                                outputDimension: 24, activation: .gelu)
        let clip = try CLIP.load(contentsOf: Self.url("tiny_clip.safetensors"),
                                 configuration: CLIPConfiguration(vision: .visionTransformer(vision), text: text))
        let reference = try SafetensorsFile(contentsOf: Self.url("tiny_clip.step.safetensors"))
        let images = try reference.tensor(named: "images")
        let tokenRows = try reference.tensor(named: "tokens")
        let tokenIDs = (0..<tokenRows.shape[0]).map { row in (0..<tokenRows.shape[1]).map { Int(tokenRows[indices: row, $0]) } }

        // The training path: the image tower as an image encoder on the tape, the text tower on token ids.
        let imageFeatures = clip.imageTower(Variable(images))
        let textFeatures = clip.textFeatures(tokenIDs)
        let loss = Losses.clip(imageEmbeddings: imageFeatures, textEmbeddings: textFeatures, logScale: clip.logitScale.variable)
        loss.backward()

        try Self.expectStepMatches("tiny CLIP", loss: loss, model: clip, reference: reference, worstBelow: 1e-5)
    }

    @Test func tinyBERTMeanPooledStepMatchesTransformers() throws {
        let model = try BERTModel.load(directory: Self.url("tiny_bert"), includesPooler: false)
        let reference = try SafetensorsFile(contentsOf: Self.url("tiny_bert.step.safetensors"))
        let pooling = SentencePooling(PoolingConfiguration(embeddingDimension: 32, modes: [.mean]))
        func embed(_ prefix: String) throws -> Variable {
            let ids = try reference.tensor(named: "\(prefix)_ids"), mask = try reference.tensor(named: "\(prefix)_mask")
            let input = BERTInput(batch: ids.shape[0], length: ids.shape[1], tokenIDs: ids.scalars.map { Int($0) },
                                  attentionMask: mask.scalars.map { Int($0) })
            return pooling(model(input).lastHiddenState, attentionMask: input.attentionMask)  // [batch, 32]
        }
        let anchors = try embed("anchor"), positives = try embed("positive")
        // Symmetric InfoNCE with a fixed scale of 20 (Losses.clip normalises the rows).
        let loss = Losses.clip(imageEmbeddings: anchors, textEmbeddings: positives, logScale: Variable(Tensor(scalar: Float(log(20.0)))))
        loss.backward()

        try Self.expectStepMatches("tiny BERT", loss: loss, model: model, reference: reference, worstBelow: 1e-5)
    }

    /// Contrastive fine-tuning of the competition paper's architecture: one InfoNCE step of the
    /// tiny Chinese-CLIP (ViT + RoBERTa towers, `Tests/Fixtures/chinese_clip/tiny.pt`) through
    /// `ContrastiveModel`, captions tokenised by CLIPKit's WordPiece tokenizer, against cn_clip's
    /// float64 step: the same tokens, the same loss, every gradient within the suite's tolerance.
    @Test func tinyChineseCLIPContrastiveStepMatchesCNCLIP() throws {
        let fixtures = TestPaths.fixtures.appendingPathComponent("chinese_clip", isDirectory: true)
        let configurations = FileManager.default.temporaryDirectory.appendingPathComponent("cn-step-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: configurations, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: configurations) }
        for name in ["tiny.vision.json", "tiny.text.json"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: configurations.appendingPathComponent(name))
        }
        let checkpoint = fixtures.appendingPathComponent("tiny.pt")
        let model = try ModelRegistry.chineseCLIP(tensors: try CheckpointFormat.loadTensors(contentsOf: checkpoint), name: "tiny",
                                                  fingerprint: "", source: checkpoint, configurationDirectory: configurations)
        let reference = try SafetensorsFile(contentsOf: Self.url("tiny_chinese_clip.step.safetensors"))
        struct Captions: Decodable { let captions: [String] }
        let captions = try JSONDecoder().decode(Captions.self, from: Data(contentsOf: Self.url("tiny_chinese_clip.captions.json"))).captions

        // CLIPKit's tokens are cn_clip's, cut after the longest caption.
        let tokens = try model.textEncoder.tokenize(captions)
        let expectedTokens = try reference.tensor(named: "tokens")
        for (row, ids) in tokens.ids.enumerated() {
            let expected = (0..<expectedTokens.shape[1]).map { Int(expectedTokens[indices: row, $0]) }
            #expect(ids == Array(expected.prefix(ids.count)) && expected.dropFirst(ids.count).allSatisfy { $0 == 0 }, "caption \(row)")
        }

        var generator = SeededGenerator(seed: 1)
        let contrastive = ContrastiveModel(imageEncoder: model.imageEncoder, textEncoder: model.textEncoder, embeddingWidth: nil,
                                           logScale: model.logScale, generator: &generator)
        let batch = CaptionedBatch(images: try reference.tensor(named: "images"), captions: captions, indices: Array(captions.indices))
        let loss = try contrastive.loss(batch)
        loss.backward()

        try Self.expectStepMatches("tiny Chinese-CLIP", loss: loss, model: model.weights, reference: reference, worstBelow: Self.tolerance)
    }
}
