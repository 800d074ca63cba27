import Autograd
import Checkpoint
import Datasets
import Foundation
import NN
import Optim
import Tensor

/// Categorical attributes of an image predicted by linear heads on a frozen ImageNet CNN's pooled
/// features (a linear probe, Alain & Bengio 2016), to check whether generated images show what
/// their caption asked for (the text-to-face issue's attribute agreement). Every head has the same
/// `values` (`Layout`): the face layout is four yes/no heads (glasses, beard, male, smiling), the
/// Fashion-MNIST layout one 10-way head (the class):
///
///     f = (1/L)·Σ_i a_i                          EfficientNet-Lite0's pooled features, [batch, 1280]
///     logits_j = W_j·f + b_j ∈ R^k               one k-way head per attribute j, `heads` [heads·k, 1280]
///     prediction_j = argmax softmax(logits_j)    (k = 2: "yes" when P(yes) > 0.5)
///
/// trained by full-batch Adam on the mean k-way cross-entropy of the heads. Key name `heads`
/// (`weight` `[heads·k, D]`: rows k·j …< k·(j + 1) are attribute j's values); the layout is stored in
/// the safetensors metadata (`attributes`, `values`; a file without it has the face layout).
public struct AttributeClassifier: Module {
    /// The attributes and the values each of them takes.
    public struct Layout: Sendable, Equatable {
        public var attributes: [String]
        public var values: [String]

        public init(attributes: [String], values: [String]) {
            precondition(!attributes.isEmpty && values.count >= 2, "a layout needs an attribute and at least two values")
            self.attributes = attributes
            self.values = values
        }

        /// Glasses, beard, male, smiling; no / yes.
        public static let faces = Layout(attributes: ["glasses", "beard", "male", "smiling"], values: ["no", "yes"])
        /// The Fashion-MNIST class.
        public static let fashionMNIST = Layout(attributes: ["class"], values: FashionMNIST.classNames)
    }

    public static let fileName = "attributes.safetensors"

    public let layout: Layout
    @Key("heads") public var heads: Linear

    public init(featureWidth: Int, layout: Layout = .faces, generator: inout SeededGenerator) {
        self.layout = layout
        heads = Linear(inFeatures: featureWidth, outFeatures: layout.values.count * layout.attributes.count, generator: &generator)
    }

    /// The four face flags of an annotated photo, in `Layout.faces` order.
    public static func labels(of attributes: FaceAttributes) -> [Bool] {
        [attributes.glasses, attributes.beard, attributes.gender == .male, attributes.smiling]
    }

    /// Logits `[batch·heads, k]` of pooled features `[batch, D]`.
    public func logits(_ pooled: Variable) -> Variable {
        heads(pooled).reshaped([pooled.shape[0] * layout.attributes.count, layout.values.count])
    }

    /// The mean cross-entropy of the heads against value indices `values` `[batch][heads]`.
    public func loss(pooled: Variable, values: [[Int]]) -> Variable {
        Losses.crossEntropy(logits: logits(pooled), targets: values.flatMap { $0 })
    }

    /// The mean cross-entropy of yes/no heads against `labels` `[batch][heads]`.
    public func loss(pooled: Variable, labels: [[Bool]]) -> Variable {
        loss(pooled: pooled, values: labels.map { $0.map { $0 ? 1 : 0 } })
    }

    /// The value probabilities `[batch][heads][k]` of pooled features `[batch, D]`.
    public func distributions(pooled: Tensor) -> [[[Float]]] {
        let probabilities: [Float] = GradientMode.withoutGradients { logits(Variable(pooled)).value.softmax() }.scalars  // [batch·heads, k]
        let (count, width) = (layout.attributes.count, layout.values.count)
        return (0..<pooled.shape[0]).map { row in
            (0..<count).map { head in Array(probabilities[((row * count + head) * width)..<((row * count + head + 1) * width)]) }
        }
    }

    /// P(yes) `[batch][heads]` of pooled features `[batch, D]` (yes/no layouts).
    public func probabilities(pooled: Tensor) -> [[Float]] {
        precondition(layout.values.count == 2, "P(yes) needs a yes/no layout, this one has \(layout.values.count) values")
        return distributions(pooled: pooled).map { $0.map { $0[1] } }
    }

    /// The predicted value index `[batch][heads]` of pooled features `[batch, D]`: the most probable
    /// value (yes/no: yes when P(yes) > 0.5).
    public func predictions(pooled: Tensor) -> [[Int]] {
        distributions(pooled: pooled).map { heads in
            heads.map { values in
                values.count == 2 ? (values[1] > 0.5 ? 1 : 0) : values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) }!
            }
        }
    }

    /// P(yes) `[batch][heads]` of images `[batch, 1 or 3, H, W]` in [−1, 1] seen by `encoder`
    /// (the pooled features are the mean of its regions, as in training).
    public func probabilities(pixels: Tensor, encoder: CaptionerImageEncoder) -> [[Float]] {
        probabilities(pooled: encoder.regions(of: pixels).mean(alongAxis: 1))  // [batch, D]
    }

    /// Fits a fresh classifier to pooled features `[count, D]` and value indices `values`
    /// `[count][heads]` by `steps` full-batch Adam steps at `learningRate` (weight decay
    /// `weightDecay`, L2); returns it with its loss per step.
    public static func train(pooled: Tensor, values: [[Int]], layout: Layout, steps: Int = 300, learningRate: Float = 1e-2,
                             weightDecay: Float = 1e-3, seed: UInt64 = 0) -> (classifier: AttributeClassifier, losses: [Float]) {
        var generator = SeededGenerator(seed: seed)
        let classifier = AttributeClassifier(featureWidth: pooled.shape[1], layout: layout, generator: &generator)
        let optimizer = Adam(parameters: classifier.trainableParameters, learningRate: learningRate, weightDecay: weightDecay)
        var losses: [Float] = []
        for _ in 0..<steps {
            let loss = classifier.loss(pooled: Variable(pooled), values: values)
            loss.backward()
            optimizer.step()
            optimizer.clearGradients()
            losses.append(loss.value.item)
        }
        return (classifier, losses)
    }

    /// `train(pooled:values:layout:…)` of the face layout's yes/no labels.
    public static func train(pooled: Tensor, labels: [[Bool]], steps: Int = 300, learningRate: Float = 1e-2, weightDecay: Float = 1e-3,
                             seed: UInt64 = 0) -> (classifier: AttributeClassifier, losses: [Float]) {
        train(pooled: pooled, values: labels.map { $0.map { $0 ? 1 : 0 } }, layout: .faces, steps: steps, learningRate: learningRate,
              weightDecay: weightDecay, seed: seed)
    }

    /// Reads `attributes.safetensors` (the layout from its metadata; none: the face layout).
    public static func load(contentsOf url: URL) throws -> AttributeClassifier {
        guard FileManager.default.fileExists(atPath: url.path) else { throw GenerationError.missingFile(path: url.path) }
        let file = try SafetensorsFile(contentsOf: url)
        let tensors = try file.allTensors()
        var layout = Layout.faces
        if let attributes = file.metadata["attributes"], let values = file.metadata["values"] {
            guard let names = try? JSONDecoder().decode([String].self, from: Data(attributes.utf8)),
                  let valueNames = try? JSONDecoder().decode([String].self, from: Data(values.utf8)), !names.isEmpty, valueNames.count >= 2 else {
                throw GenerationError.invalidConfiguration(source: url.path, reason: "metadata attributes/values are not JSON lists of names")
            }
            layout = Layout(attributes: names, values: valueNames)
        }
        let rows = layout.attributes.count * layout.values.count
        guard let weight = tensors["heads.weight"], weight.rank == 2, weight.shape[0] == rows else {
            throw GenerationError.invalidConfiguration(source: url.path, reason: "no heads.weight [\(rows), features]")
        }
        var generator = SeededGenerator(seed: 0)
        let classifier = AttributeClassifier(featureWidth: weight.shape[1], layout: layout, generator: &generator)
        try classifier.loadWeights(tensors, source: url.lastPathComponent)
        return classifier
    }

    public func save(to url: URL) throws {
        func json(_ names: [String]) -> String { String(decoding: try! JSONEncoder().encode(names), as: UTF8.self) }
        try SafetensorsFile.write(Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.parameter.value) }),
                                  metadata: ["attributes": json(layout.attributes), "values": json(layout.values)], to: url)
    }
}
