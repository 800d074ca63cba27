import Checkpoint
import Foundation
import Models
import NN
import Tensor

/// A contrastive run ready to train: the two-tower model, its trainer and, when the towers are
/// a CLIP's, that CLIP (whose weights the training updates in place).
public struct ContrastiveRun {
    public let model: ContrastiveModel
    public let trainer: Trainer<CaptionedBatchSource>
    public let clip: CLIP?

    /// Recall on the validation pairs (nil without validation data).
    public func evaluate() throws -> [String: Double]? { try trainer.validation?.run() }

    /// Writes the trained weights as safetensors. A CLIP is written under OpenCLIP's names
    /// (`visual.…`, `token_embedding.weight`, …, `logit_scale`), so `CLIP.load(contentsOf:)`
    /// reads it back; other towers under `ContrastiveModel`'s names.
    public func saveModel(to url: URL) throws {
        let parameters = clip?.namedParameters ?? model.namedParameters
        var tensors: [String: Tensor] = [:]
        for (name, parameter) in parameters { tensors[name] = parameter.value }
        try SafetensorsFile.write(tensors, metadata: ["clipkit.configuration": trainer.configurationJSON ?? "{}"], to: url)
    }

    /// What `evaluation.json` records: recall before training (at step 0 of a fresh run) and
    /// after, and for the default model's towers its zero-shot ConSE recall.
    public struct Report: Codable, Sendable {
        public var zeroShot: [String: Double]?
        public var before: [String: Double]?
        public var after: [String: Double]?
        public var steps: Int
        public var wallSeconds: Double
        public var trainingPairs: Int
        public var trainableParameters: Int

        public init(zeroShot: [String: Double]? = nil, before: [String: Double]?, after: [String: Double]?, steps: Int, wallSeconds: Double, trainingPairs: Int,
                    trainableParameters: Int) {
            self.zeroShot = zeroShot
            self.before = before
            self.after = after
            self.steps = steps
            self.wallSeconds = wallSeconds
            self.trainingPairs = trainingPairs
            self.trainableParameters = trainableParameters
        }

        enum CodingKeys: String, CodingKey {
            case zeroShot = "zero_shot", before, after, steps, wallSeconds = "wall_seconds", trainingPairs = "training_pairs"
            case trainableParameters = "trainable_parameters"
        }
    }
}
