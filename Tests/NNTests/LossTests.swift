import Autograd
import Checkpoint
import NN
import Tensor
import TestSupport
import Testing

/// Training losses against PyTorch (`scripts/fixtures/losses.py`, float64 reference): loss and
/// every input gradient within 1e-5 · max(1, max |ref|).
@Suite struct LossTests {
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("losses", "losses.safetensors")) }

    func check(_ name: String, inputs: [String], sourceLocation: SourceLocation = #_sourceLocation,
               _ loss: ([String: Variable]) -> Variable) throws {
        let file = try Self.fixture.get()
        var variables: [String: Variable] = [:]
        for input in inputs { variables[input] = Variable(try file.tensor(named: "\(name).\(input)"), requiresGradient: true) }
        let value = loss(variables)
        value.backward()
        let expected = try file.tensor(named: "\(name).loss").item
        #expect(abs(value.value.item - expected) <= 1e-5 * max(1, abs(expected)), "\(name): \(value.value.item) vs \(expected)",
                sourceLocation: sourceLocation)
        for input in inputs {
            let reference = try file.tensor(named: "\(name).grad.\(input)")
            let gradient = try #require(variables[input]?.gradient, sourceLocation: sourceLocation)
            #expect(gradient.maxAbsoluteDifference(reference) <= 1e-5 * max(1, reference.abs().max()),
                    "\(name) gradient of \(input)", sourceLocation: sourceLocation)
        }
    }

    func labels(_ name: String) throws -> [Int] {
        try Self.fixture.get().tensor(named: name).scalars.map { Int($0) }
    }

    @Test func crossEntropy() throws {
        let targets = try labels("cross_entropy.targets")
        try check("cross_entropy", inputs: ["logits"]) { Losses.crossEntropy(logits: $0["logits"]!, targets: targets) }
    }

    @Test func symmetricInfoNCE() throws {
        try check("clip", inputs: ["images", "texts", "log_scale"]) {
            Losses.clip(imageEmbeddings: $0["images"]!, textEmbeddings: $0["texts"]!, logScale: $0["log_scale"]!)
        }
    }

    @Test func marginTripletLosses() throws {
        try check("triplet_squared", inputs: ["anchor", "positive", "negative"]) {
            Losses.triplet(anchor: $0["anchor"]!, positive: $0["positive"]!, negative: $0["negative"]!, margin: 1)
        }
        try check("triplet_cosine", inputs: ["anchor", "positive", "negative"]) {
            Losses.triplet(anchor: $0["anchor"]!, positive: $0["positive"]!, negative: $0["negative"]!, margin: 0.3,
                           distance: .cosine)
        }
    }

    @Test func losslessTripletLoss() throws {
        try check("lossless", inputs: ["anchor", "positive", "negative"]) {
            Losses.losslessTriplet(anchor: $0["anchor"]!, positive: $0["positive"]!, negative: $0["negative"]!)
        }
    }

    @Test func minedTriplets() throws {
        let batchLabels = try labels("batch_hard.labels")
        try check("batch_hard", inputs: ["embeddings"]) {
            TripletMining.batchHard.loss(embeddings: $0["embeddings"]!, labels: batchLabels, margin: 0.5)
        }
        try check("semi_hard", inputs: ["embeddings"]) {
            TripletMining.semiHard.loss(embeddings: $0["embeddings"]!, labels: batchLabels, margin: 0.5)
        }
    }

    @Test func meanSquaredError() throws {
        try check("mse_mean", inputs: ["prediction", "target"]) {
            Losses.meanSquaredError(prediction: $0["prediction"]!, target: $0["target"]!)
        }
        try check("mse_sum", inputs: ["prediction", "target"]) {
            Losses.meanSquaredError(prediction: $0["prediction"]!, target: $0["target"]!, reduction: .sum)
        }
    }

    /// The closed form against `torch.distributions.kl_divergence(Normal(μ, σ), Normal(0, 1))`.
    @Test func gaussianKLToStandardNormal() throws {
        for (name, reduction) in [("kl_mean", LossReduction.mean), ("kl_sum", .sum), ("kl_batch_mean", .batchMean)] {
            try check(name, inputs: ["mean", "log_variance"]) {
                Losses.gaussianKLToStandardNormal(mean: $0["mean"]!, logVariance: $0["log_variance"]!, reduction: reduction)
            }
        }
        // N(0, 1) is at divergence 0 from itself.
        let zero = Variable(Tensor(zeros: [2, 3]))
        #expect(Losses.gaussianKLToStandardNormal(mean: zero, logVariance: zero, reduction: .sum).value.item == 0)
    }

    @Test func logitScaleClamp() {
        let scale = Parameter(Tensor(shape: [1], scalars: [7]))
        Losses.clampLogitScale(scale)
        #expect(abs(scale.value.item - 4.6051702) < 1e-6)
        #expect(abs(Losses.initialLogScale - 2.6592600) < 1e-6)
    }
}
