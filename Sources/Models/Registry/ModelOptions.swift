import NN
import Tensor

/// Choices that shape a model's embeddings but cannot be read off its checkpoint. They are part
/// of `ModelIdentity`, so a store reloads its model with exactly these choices.
public struct ModelOptions: Codable, Sendable, Equatable {
    /// The transformer MLP activation of a bare CLIP state dict. nil: QuickGELU for OpenAI's
    /// TorchScript `.pt`, for open_clip pretrained tags trained with it and for folders whose
    /// configuration says so, GELU otherwise (open_clip's own default for state dicts).
    public var activation: Activation?
    /// Attention head width of a bare CLIP state dict, whose head count its shapes do not tell.
    /// nil: 64, the width of every OpenAI and most OpenCLIP models.
    public var headWidth: Int?
    /// ConSE's T for `clipkit-default`: how many of the most probable ImageNet classes an image's
    /// embedding combines.
    public var topCount: Int
    /// ConSE's label prompt for `clipkit-default` (`{}` marks the class name).
    public var labelTemplate: String
    /// For a text-only model (Multilingual-CLIP): the model whose image tower it is paired with (a
    /// checkpoint file or folder, an open_clip tag, a hub repository). nil: the CLIP its name says.
    public var imageTower: String?
    /// The number format of the towers' Linear and attention products at inference (`fp32`;
    /// `bf16` on CPUs with AVX512_BF16, `int8` with AVX512_VNNI; see `InferencePrecision`). A run-time choice, not part of
    /// the model's identity: it is neither encoded nor compared, so a store embedded in fp32 can
    /// be searched with bf16 queries.
    public var precision: InferencePrecision

    public init(activation: Activation? = nil, headWidth: Int? = nil, topCount: Int = DefaultModel.topCount,
                labelTemplate: String = DefaultModel.labelTemplate, imageTower: String? = nil, precision: InferencePrecision = .fp32) {
        self.activation = activation
        self.headWidth = headWidth
        self.topCount = topCount
        self.labelTemplate = labelTemplate
        self.imageTower = imageTower
        self.precision = precision
    }

    enum CodingKeys: String, CodingKey {
        case activation, headWidth = "head_width", topCount = "top_count", labelTemplate = "label_template", imageTower = "image_tower"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ModelOptions()
        activation = try container.decodeIfPresent(Activation.self, forKey: .activation)
        headWidth = try container.decodeIfPresent(Int.self, forKey: .headWidth)
        topCount = try container.decodeIfPresent(Int.self, forKey: .topCount) ?? defaults.topCount
        labelTemplate = try container.decodeIfPresent(String.self, forKey: .labelTemplate) ?? defaults.labelTemplate
        imageTower = try container.decodeIfPresent(String.self, forKey: .imageTower)
        precision = .fp32
    }

    /// Equal when every option that shapes the embeddings is; `precision` is a run-time choice and
    /// is not compared.
    public static func == (left: ModelOptions, right: ModelOptions) -> Bool {
        left.difference(from: right) == nil
    }

    /// The first option in which `other` differs, in words (nil when none does).
    public func difference(from other: ModelOptions) -> String? {
        func name(_ activation: Activation?) -> String { activation?.rawValue ?? "automatic" }
        if activation != other.activation { return "activation \(name(activation)) vs \(name(other.activation))" }
        if headWidth != other.headWidth { return "head width \(headWidth ?? 64) vs \(other.headWidth ?? 64)" }
        if topCount != other.topCount { return "ConSE top classes (T) \(topCount) vs \(other.topCount)" }
        if labelTemplate != other.labelTemplate { return "label template \"\(labelTemplate)\" vs \"\(other.labelTemplate)\"" }
        if imageTower != other.imageTower { return "image tower \(imageTower ?? "automatic") vs \(other.imageTower ?? "automatic")" }
        return nil
    }
}
