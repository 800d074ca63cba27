import Autograd
import Checkpoint
import Foundation
import NN
import Tensor
import Tokenizers

/// Chinese-CLIP (Yang et al., "Chinese CLIP: Contrastive Vision-Language Pretraining in
/// Chinese", 2022) as cn_clip builds it: OpenCLIP's ViT image tower under `visual.` (QuickGELU),
/// a RoBERTa-wwm text tower with `[CLS]` pooling and a projection (`ChineseCLIPTextTower`), and
/// `logit_scale`.
public struct ChineseCLIP: Module {
    @Key("visual") public var visual: VisionTransformer
    @Key("") public var text: ChineseCLIPTextTower
    @Key("logit_scale") public var logitScale: Parameter

    public init(vision: ChineseCLIPVisionConfiguration, text: ChineseCLIPTextConfiguration) throws {
        guard vision.embedDimension == text.embedDimension else {
            throw ModelError.unsupportedConfiguration(
                source: "cn_clip configs", reason: "embed_dim of the image tower \(vision.embedDimension) differs from the text tower's \(text.embedDimension)")
        }
        visual = VisionTransformer(try vision.visionTransformer())
        self.text = try ChineseCLIPTextTower(text)
        logitScale = Parameter(Tensor(scalar: Foundation.log(1 / 0.07)))
    }

    /// Image features `[batch, embedDimension]` of preprocessed images (not normalised).
    public func encodeImage(_ images: Tensor) -> Tensor {
        GradientMode.withoutGradients { visual(Variable(images)).value }
    }

    /// Text features `[texts.count, embedDimension]` (not normalised), tokenised as cn_clip does.
    public func encodeText(_ texts: [String], tokenizer: WordPieceTokenizer) throws -> Tensor {
        try text.textFeatures(texts, tokenizer: tokenizer)
    }

    /// A cn_clip checkpoint (training `{"state_dict": …}` with `module.` prefixes, or a bare state
    /// dict), any precision, loaded strictly.
    public static func load(contentsOf url: URL, vision: ChineseCLIPVisionConfiguration,
                            text: ChineseCLIPTextConfiguration) throws -> ChineseCLIP {
        try load(tensors: try CheckpointFormat.loadTensors(contentsOf: url), vision: vision, text: text, source: url.lastPathComponent)
    }

    public static func load(tensors: [String: Tensor], vision: ChineseCLIPVisionConfiguration,
                            text: ChineseCLIPTextConfiguration, source: String) throws -> ChineseCLIP {
        let model = try ChineseCLIP(vision: vision, text: text)
        try model.loadWeights(tensors, mapping: weightMapping, source: source)
        return model
    }

    /// cn_clip's checkpoint names → this model's: its training prefixes stripped; the BERT
    /// pooler cn_clip never uses, buffers and optimiser state left unused.
    public static let weightMapping = WeightMapping(renames: checkpointPrefixes, ignoredNames: unusedNames)

    /// cn_clip's training checkpoints wrap the state dict (`state_dict.`) and keep
    /// DataParallel's `module.` prefix.
    static let checkpointPrefixes = [
        KeyRule(#"^state_dict\."#, ""),
        KeyRule(#"^module\."#, ""),
    ]

    static let unusedNames = [
        #"^(state_dict\.)?(module\.)?bert\.pooler\."#,
        #"^(state_dict\.)?(module\.)?bert\.embeddings\.position_ids$"#,
        #"(^|\.)attn_mask$"#,
        // Training checkpoints also carry the optimiser's moments.
        #"^optimizer\."#,
    ]

    /// True when `names` look like a cn_clip checkpoint (a `bert.` text tower beside `visual.`).
    public static func recognizes(_ names: some Sequence<String>) -> Bool {
        var hasText = false, hasVision = false
        for name in names {
            let bare = name.replacingOccurrences(of: #"^(state_dict\.)?(module\.)?"#, with: "", options: .regularExpression)
            if bare.hasPrefix("bert.embeddings.word_embeddings.") { hasText = true }
            if bare.hasPrefix("visual.") { hasVision = true }
        }
        return hasText && hasVision
    }
}
