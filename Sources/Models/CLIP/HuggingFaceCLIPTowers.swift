import Checkpoint
import Foundation
import NN
import Tensor

/// Single CLIP towers saved by Hugging Face transformers, as diffusion pipelines ship them:
/// `CLIPTextModel` (Stable Diffusion's `text_encoder/`: `text_model.*`, no projection; the U-Net
/// reads every token's final state) and `CLIPVisionModelWithProjection` (IP-Adapter's
/// `image_encoder/`: `vision_model.*` and `visual_projection`). `config.json` holds the tower's own
/// configuration (`CLIPTextConfig` / `CLIPVisionConfig`); weights load strictly through
/// `CLIPWeightMapping.huggingFace`, half precision widened to Float32.
public enum HuggingFaceCLIPTowers {
    /// A `CLIPTextModel` folder (`config.json`, `model.safetensors` or `pytorch_model.bin`).
    public static func loadTextModel(directory: URL) throws -> TextTransformer {
        let configurationURL = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configurationURL.path) else {
            throw ModelError.missingFile(directory: directory.path, expected: ["config.json"])
        }
        let settings = try JSONDecoder().decode(HuggingFaceCLIPConfiguration.Text.self, from: Data(contentsOf: configurationURL))
        let tower = TextTower(text: TextTransformer(try settings.configuration(projection: nil, source: configurationURL.path)))
        try tower.loadWeights(try CLIP.huggingFaceTensors(in: directory), mapping: textMapping, source: directory.lastPathComponent)
        return tower.text
    }

    /// A `CLIPVisionModelWithProjection` folder (`config.json` with `projection_dim`, weights).
    public static func loadVisionModel(directory: URL) throws -> VisionTransformer {
        let configurationURL = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configurationURL.path) else {
            throw ModelError.missingFile(directory: directory.path, expected: ["config.json"])
        }
        struct Projection: Decodable { let projection_dim: Int? }
        let data = try Data(contentsOf: configurationURL)
        let settings = try JSONDecoder().decode(HuggingFaceCLIPConfiguration.Vision.self, from: data)
        let projection = try JSONDecoder().decode(Projection.self, from: data).projection_dim ?? 512
        let tower = VisionTower(visual: VisionTransformer(try settings.configuration(projection: projection, source: configurationURL.path)))
        try tower.loadWeights(try CLIP.huggingFaceTensors(in: directory), mapping: visionMapping, source: directory.lastPathComponent)
        return tower.visual
    }

    /// `CLIPWeightMapping.huggingFace` after restoring the `text_model.` prefix that transformers 5
    /// no longer writes for a lone `CLIPTextModel`.
    static let textMapping: WeightMapping = {
        var mapping = CLIPWeightMapping.huggingFace
        mapping.renames.insert(KeyRule(#"^(embeddings|encoder|final_layer_norm)\."#, "text_model.$1."), at: 0)
        return mapping
    }()

    /// `CLIPWeightMapping.huggingFace`, also for a vision tower saved without its `vision_model.` prefix.
    static let visionMapping: WeightMapping = {
        var mapping = CLIPWeightMapping.huggingFace
        mapping.renames.insert(KeyRule(#"^(embeddings|encoder|pre_layrnorm|post_layernorm)\."#, "vision_model.$1."), at: 0)
        return mapping
    }()

    /// The text tower at the top level, where `CLIPWeightMapping.huggingFace` puts `text_model.*`.
    struct TextTower: Module {
        @Key("") var text: TextTransformer

        init(text: TextTransformer) { self.text = text }
    }

    /// The vision tower under `visual`, where `CLIPWeightMapping.huggingFace` puts `vision_model.*`.
    struct VisionTower: Module {
        @Key("visual") var visual: VisionTransformer

        init(visual: VisionTransformer) { self.visual = visual }
    }
}
