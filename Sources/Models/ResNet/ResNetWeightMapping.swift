import Checkpoint
import Foundation
import NN
import Tensor

/// How torchvision ResNet checkpoints (`resnet50-0676ba61.pth`, `torchvision.models.resnet50().state_dict()`)
/// map onto `ResNet`: the model carries torchvision's names, so there are no rules; a headless
/// model ignores `fc.*`.
public enum ResNetWeightMapping {
    /// Checkpoint name → model name (none: the names are torchvision's).
    public static let rules: [KeyRule] = []

    /// Checkpoint tensors a headless model (`classCount == nil`) leaves unused.
    public static let classifierNames: [String] = [#"^fc\."#]

    /// The strict loader for `model`: the classifier is skipped only when the model has none.
    public static func loader(for model: ResNet) -> StrictWeightLoader {
        StrictWeightLoader(rules: rules, ignoredNames: model.classifier == nil ? classifierNames : [])
    }
}

extension ResNet {
    /// Fills every parameter and BatchNorm buffer from `tensors` (checkpoint names); throws naming
    /// each missing, unused or wrong-shape tensor and leaves the model untouched on failure.
    public func loadWeights(_ tensors: [String: Tensor], source: String) throws {
        try ResNetWeightMapping.loader(for: self).load(tensors, into: self, source: source)
    }

    /// Loads a checkpoint file (PyTorch zip or legacy pickle, or safetensors) strictly.
    public func loadWeights(contentsOf url: URL) throws {
        try loadWeights(try CheckpointFormat.loadTensors(contentsOf: url), source: url.lastPathComponent)
    }

    /// A model of `configuration` with the weights of `url`.
    public init(contentsOf url: URL, configuration: ResNetConfiguration = .resnet50) throws {
        self.init(configuration: configuration)
        try loadWeights(contentsOf: url)
    }
}
