import Autograd
import Checkpoint
import Foundation
import Generation
import NN
import Tensor
import TestSupport
import Testing

/// The soft-attention captioner and conditioning augmentation against the PyTorch reference of
/// `scripts/fixtures/captioner.py` (float64, fixed random weights): h₀/c₀, one LSTM-attention
/// decoding step (β, h, c, logits), L_TRL's two terms over two padded captions (Eq. 9) and its
/// gradient with respect to the region features, within 1e-5 · max(1, max |ref|); the doubly
/// stochastic term and the KL by hand; finite-difference gradient checks.
@Suite struct CaptionerParityTests {
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("captioner", "captioner.safetensors")) }
    static let tolerance = Tolerance.scaledAboveOne(1e-5)

    static func decoder(penalty: Float) throws -> (AttentionCaptioner, [String: Tensor]) {
        let data = try fixture.get().tensors(under: "decoder")
        var generator = SeededGenerator(seed: 1)
        let decoder = AttentionCaptioner(configuration: AttentionCaptionerConfiguration(
            vocabularySize: 9, featureWidth: 6, embeddingWidth: 4, hiddenWidth: 5, attentionWidth: 7, gated: true,
            attentionPenalty: penalty), generator: &generator)
        try decoder.loadWeights(data, mapping: WeightMapping(ignoredNames: [#"^(features|captions|lengths)$"#]), source: "decoder")
        return (decoder, data)
    }

    static func captions(_ data: [String: Tensor]) -> [[Int]] {
        let padded = data["captions"]!, lengths = data["lengths"]!.scalars.map { Int($0) }
        return lengths.enumerated().map { row, length in (0..<length).map { Int(padded[indices: row, $0]) } }
    }

    @Test func oneDecodingStepMatchesPyTorch() throws {
        let (decoder, data) = try Self.decoder(penalty: 0.7)
        let step = try Self.fixture.get().tensors(under: "step")
        let regions = decoder.regions(Variable(data["features"]!))
        let state = decoder.initialState(regions)
        expectClose(state.hidden.value, step["initial_hidden"], Self.tolerance, "h0")
        expectClose(state.cell.value, step["initial_cell"], Self.tolerance, "c0")
        let result = decoder.step(previousWords: [1, 1], state: state, regions: regions)
        expectClose(result.weights.value, step["weights"], Self.tolerance, "β1")
        expectClose(result.state.hidden.value, step["hidden"], Self.tolerance, "h1")
        expectClose(result.state.cell.value, step["cell"], Self.tolerance, "c1")
        expectClose(result.logits.value, step["logits"], Self.tolerance, "logits")
    }

    @Test func textReconstructionLossAndItsFeatureGradientMatchPyTorch() throws {
        let loss = try Self.fixture.get().tensors(under: "loss")
        let (decoder, data) = try Self.decoder(penalty: loss["penalty"]!.scalars[0])
        let features = Variable(data["features"]!, requiresGradient: true)
        let terms = decoder.loss(features: features, captions: Self.captions(data))
        expectClose(terms.wordCrossEntropy.value.reshaped([1]), loss["word"], Self.tolerance, "word cross-entropy")
        expectClose(terms.attentionPenalty.value.reshaped([1]), loss["attention"], Self.tolerance, "attention penalty")
        expectClose(terms.total.value.reshaped([1]), loss["total"], Self.tolerance, "L_TRL")
        terms.total.backward()
        expectClose(features.gradient, loss["grad.features"], Self.tolerance, "∂L_TRL/∂a")
    }

    @Test func doublyStochasticTermByHand() {
        // Two images, three steps, two regions; the second caption ends after two steps (its last target is <pad>).
        let attention = Tensor(shape: [2, 3, 2], scalars: [0.5, 0.5, 0.9, 0.1, 0.2, 0.8,
                                                            1.0, 0.0, 0.3, 0.7, 0.6, 0.4])
        let logits = Tensor(zeros: [2, 3, 5])  // uniform: every valid word costs log 5
        let loss = TextReconstructionLoss(logits: Variable(logits), targets: [[4, 4, 2], [4, 2, 0]], attention: Variable(attention),
                                          penaltyWeight: 2)
        // Σ_k β: image 0 → (1.6, 1.4); image 1 (two valid steps) → (1.3, 0.7).
        let expected = ((1 - 1.6) * (1 - 1.6) + (1 - 1.4) * (1 - 1.4) + (1 - 1.3) * (1 - 1.3) + (1 - 0.7) * (1 - 0.7)) / 4 as Float
        #expect(abs(loss.attentionPenalty.value.item - expected) < 1e-6)
        #expect(abs(loss.wordCrossEntropy.value.item - Foundation.log(5)) < 1e-6)
        #expect(abs(loss.total.value.item - (Foundation.log(5) + 2 * expected)) < 1e-5)
    }

    @Test func conditioningAugmentationMatchesPyTorchAndTheClosedForm() throws {
        let data = try Self.fixture.get().tensors(under: "ca")
        var generator = SeededGenerator(seed: 1)
        let augmentation = ConditioningAugmentation(textWidth: 4, latentWidth: 3, generator: &generator)
        try augmentation.loadWeights(data, mapping: WeightMapping(ignoredNames: [#"^(text|noise|seed|latent|mean|log_variance|kl)$"#, #"^grad\."#]),
                                     source: "ca")
        let text = Variable(data["text"]!, requiresGradient: true)
        let output = augmentation(text, noise: data["noise"]!)
        expectClose(output.mean.value, data["mean"], Self.tolerance, "μ")
        expectClose(output.logVariance.value, data["log_variance"], Self.tolerance, "log σ²")
        expectClose(output.latent.value, data["latent"], Self.tolerance, "z")
        let kl = output.klDivergence()
        expectClose(kl.value.reshaped([1]), data["kl"], Self.tolerance, "L_KL")
        // The closed form ½·mean(μ² + σ² − log σ² − 1), in Double.
        let mean = output.mean.value.scalars.map(Double.init), logVariance = output.logVariance.value.scalars.map(Double.init)
        let closed = zip(mean, logVariance).map { 0.5 * ($0 * $0 + Foundation.exp($1) - $1 - 1) }.reduce(0, +) / Double(mean.count)
        #expect(abs(Double(kl.value.item) - closed) < 1e-6)
        (kl + (output.latent * Variable(data["seed"]!)).sum()).backward()
        expectClose(text.gradient, data["grad.text"], Self.tolerance, "∂(L_KL + Σ z·seed)/∂s")

        // Finite differences of the same scalar (Double sums of Float forwards).
        func objective(_ values: Tensor) -> Double {
            let result = augmentation(Variable(values), noise: data["noise"]!)
            let seed = data["seed"]!.scalars
            return Double(result.klDivergence().value.item) + zip(result.latent.value.scalars, seed).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        let base = data["text"]!.scalars, step: Float = 1e-2
        let analytic = text.gradient!.scalars
        for index in base.indices {
            var plus = base, minus = base
            plus[index] += step
            minus[index] -= step
            let numeric = (objective(Tensor(shape: [3, 4], scalars: plus)) - objective(Tensor(shape: [3, 4], scalars: minus))) / Double(2 * step)
            #expect(abs(numeric - Double(analytic[index])) <= 2e-3 * max(1, abs(numeric)), "∂/∂s[\(index)]: \(numeric) vs \(analytic[index])")
        }
    }

    @Test func reparameterisedSamplesFollowTheGaussian() {
        var generator = SeededGenerator(seed: 5)
        let augmentation = ConditioningAugmentation(textWidth: 2, latentWidth: 1, generator: &generator)
        augmentation.projection.weight.value = Tensor(zeros: [2, 2])
        augmentation.projection.bias!.value = Tensor(shape: [2], scalars: [1.5, Foundation.log(0.25)])  // μ = 1.5, σ = 0.5
        let samples = augmentation(Variable(Tensor(zeros: [4000, 2])), generator: &generator).latent.value.scalars.map(Double.init)
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)
        #expect(abs(mean - 1.5) < 0.03 && abs(variance.squareRoot() - 0.5) < 0.03, "mean \(mean), sd \(variance.squareRoot())")
    }
}
