import Autograd
import Checkpoint
import Datasets
import Foundation
import NN
import Optim
import Tensor

/// Four yes/no face attributes — glasses, beard, male, smiling — predicted by linear heads on a
/// frozen ImageNet CNN's pooled features (a linear probe, Alain & Bengio 2016), to check whether
/// generated faces show the attributes their caption asked for (the text-to-face issue's
/// attribute agreement):
///
///     f = (1/L)·Σ_i a_i                          EfficientNet-Lite0's pooled features, [batch, 1280]
///     logits_j = W_j·f + b_j ∈ R²                one 2-way head per attribute j, `heads` [8, 1280]
///     P(attribute j) = softmax(logits_j)[1]
///
/// trained by full-batch Adam on the mean 2-way cross-entropy of the four heads. Key name
/// `heads` (`weight` `[2·4, D]`: rows 2j, 2j+1 are attribute j's "no" and "yes").
public struct FaceAttributeClassifier: Module {
    /// The attributes, in head order.
    public static let attributeNames = ["glasses", "beard", "male", "smiling"]
    public static let fileName = "attributes.safetensors"

    @Key("heads") public var heads: Linear

    public init(featureWidth: Int, generator: inout SeededGenerator) {
        heads = Linear(inFeatures: featureWidth, outFeatures: 2 * Self.attributeNames.count, generator: &generator)
    }

    /// The four flags of an annotated photo, in `attributeNames` order.
    public static func labels(of attributes: FaceAttributes) -> [Bool] {
        [attributes.glasses, attributes.beard, attributes.gender == .male, attributes.smiling]
    }

    /// Logits `[batch·4, 2]` of pooled features `[batch, D]`.
    public func logits(_ pooled: Variable) -> Variable {
        heads(pooled).reshaped([pooled.shape[0] * Self.attributeNames.count, 2])
    }

    /// The mean cross-entropy of the four heads against `labels` `[batch][4]`.
    public func loss(pooled: Variable, labels: [[Bool]]) -> Variable {
        Losses.crossEntropy(logits: logits(pooled), targets: labels.flatMap { $0.map { $0 ? 1 : 0 } })
    }

    /// P(attribute) `[batch][4]` of pooled features `[batch, D]`.
    public func probabilities(pooled: Tensor) -> [[Float]] {
        let probabilities: [Float] = GradientMode.withoutGradients { logits(Variable(pooled)).value.softmax() }.scalars  // [batch·4, 2]
        let count = Self.attributeNames.count
        var result: [[Float]] = []
        for row in 0..<pooled.shape[0] {
            var flags: [Float] = []
            for column in 0..<count { flags.append(probabilities[(row * count + column) * 2 + 1]) }
            result.append(flags)
        }
        return result
    }

    /// P(attribute) `[batch][4]` of images `[batch, 1 or 3, H, W]` in [−1, 1] seen by `encoder`
    /// (the pooled features are the mean of its regions, as in training).
    public func probabilities(pixels: Tensor, encoder: CaptionerImageEncoder) -> [[Float]] {
        probabilities(pooled: encoder.regions(of: pixels).mean(alongAxis: 1))  // [batch, D]
    }

    /// Fits a fresh classifier to pooled features `[count, D]` and their labels by `steps` full-batch
    /// Adam steps at `learningRate` (weight decay `weightDecay`, L2); returns it with its loss per step.
    public static func train(pooled: Tensor, labels: [[Bool]], steps: Int = 300, learningRate: Float = 1e-2, weightDecay: Float = 1e-3,
                             seed: UInt64 = 0) -> (classifier: FaceAttributeClassifier, losses: [Float]) {
        var generator = SeededGenerator(seed: seed)
        let classifier = FaceAttributeClassifier(featureWidth: pooled.shape[1], generator: &generator)
        let optimizer = Adam(parameters: classifier.trainableParameters, learningRate: learningRate, weightDecay: weightDecay)
        var losses: [Float] = []
        for _ in 0..<steps {
            let loss = classifier.loss(pooled: Variable(pooled), labels: labels)
            loss.backward()
            optimizer.step()
            optimizer.clearGradients()
            losses.append(loss.value.item)
        }
        return (classifier, losses)
    }

    /// Reads `attributes.safetensors`.
    public static func load(contentsOf url: URL) throws -> FaceAttributeClassifier {
        guard FileManager.default.fileExists(atPath: url.path) else { throw GenerationError.missingFile(path: url.path) }
        let tensors = try CheckpointFormat.loadTensors(contentsOf: url)
        guard let weight = tensors["heads.weight"], weight.rank == 2 else {
            throw GenerationError.invalidConfiguration(source: url.path, reason: "no heads.weight [8, features]")
        }
        var generator = SeededGenerator(seed: 0)
        let classifier = FaceAttributeClassifier(featureWidth: weight.shape[1], generator: &generator)
        try classifier.loadWeights(tensors, source: url.lastPathComponent)
        return classifier
    }

    public func save(to url: URL) throws {
        try SafetensorsFile.write(Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.parameter.value) }), to: url)
    }
}
