import NN

/// How torchvision ResNet checkpoints (`resnet50-0676ba61.pth`, `torchvision.models.resnet50().state_dict()`)
/// map onto `ResNet`: the model carries torchvision's names, so there are no rules; a headless
/// model ignores `fc.*`.
public enum ResNetWeightMapping {
    /// Checkpoint name → model name (none: the names are torchvision's).
    public static let rules: [KeyRule] = []

    /// Checkpoint tensors a headless model (`classCount == nil`) leaves unused.
    public static let classifierNames: [String] = [#"^fc\."#]

    /// The mapping for `model`: the classifier is skipped only when the model has none.
    public static func mapping(for model: ResNet) -> WeightMapping {
        WeightMapping(renames: rules, ignoredNames: model.classifier == nil ? classifierNames : [])
    }
}

extension ResNet: WeightFileLoading {
    public static var defaultConfiguration: ResNetConfiguration { .resnet50 }

    public var weightMapping: WeightMapping { ResNetWeightMapping.mapping(for: self) }
}
