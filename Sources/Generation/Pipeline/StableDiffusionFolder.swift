import Foundation
import Imaging
import Models
import NN
import Tensor
import Tokenizers

extension DiffusionModel {
    /// A Stable Diffusion 1.x folder as diffusers saves it (`model_index.json`, `unet/`, `vae/`,
    /// `text_encoder/`, `tokenizer/`, `scheduler/`; safetensors or pickles, float16 widened on
    /// load), every component loaded strictly. The tokenizer reads `tokenizer/merges.txt` (or
    /// `mergesFile`, e.g. the CLIP merges list CLIPKit installs) and pads as
    /// `tokenizer_config.json` says. With `ipAdapter` (an `ip-adapter_sd15.bin` or `.safetensors`),
    /// the adapter is loaded for the U-Net with the CLIP image encoder found in the folder's
    /// `image_encoder/` or beside the adapter file (`image_encoder/`, as h94/IP-Adapter ships it).
    public static func loadStableDiffusion(directory: URL, mergesFile: URL? = nil, ipAdapter: URL? = nil) throws -> DiffusionModel {
        let index = directory.appendingPathComponent("model_index.json")
        guard FileManager.default.fileExists(atPath: index.path) else { throw GenerationError.missingFile(path: index.path) }
        let unet = try UNet2DConditionModel(directory: directory.appendingPathComponent("unet"))
        let autoencoder = try AutoencoderKL(directory: directory.appendingPathComponent("vae"))
        let textModel = try HuggingFaceCLIPTowers.loadTextModel(directory: directory.appendingPathComponent("text_encoder"))
        let tokenizerFolder = directory.appendingPathComponent("tokenizer")
        let merges = mergesFile ?? tokenizerFolder.appendingPathComponent("merges.txt")
        guard FileManager.default.fileExists(atPath: merges.path) else { throw GenerationError.missingFile(path: merges.path) }
        let tokenizer = try CLIPTokenizer(mergesFile: merges)
        let paddingID = try Self.paddingID(tokenizerFolder: tokenizerFolder, tokenizer: tokenizer)
        let scheduler = try SchedulerConfiguration.load(contentsOf: directory.appendingPathComponent("scheduler/scheduler_config.json"))
        var model = DiffusionModel(unet: unet, autoencoder: autoencoder,
                                   promptEncoder: CLIPPromptEncoder(transformer: textModel, tokenizer: tokenizer, paddingID: paddingID),
                                   schedulerConfiguration: scheduler)
        if let ipAdapter {
            let candidates = [directory.appendingPathComponent("image_encoder"),
                              ipAdapter.deletingLastPathComponent().appendingPathComponent("image_encoder")]
            guard let folder = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("config.json").path) })
            else { throw GenerationError.missingFile(path: candidates[0].appendingPathComponent("config.json").path) }
            let vision = try HuggingFaceCLIPTowers.loadVisionModel(directory: folder)
            model.adapter = try IPAdapter.load(contentsOf: ipAdapter, for: unet)
            model.imageEncoder = ReferenceImageEncoder(
                encoder: vision, preprocessing: .openAICLIP(imageSize: vision.configuration.imageSize))
        }
        return model
    }

    /// The id diffusers pads prompts with: `pad_token` of `tokenizer_config.json`
    /// (`<|endoftext|>` in Stable Diffusion 1.x, `!` in 2.x); end-of-text when not given.
    static func paddingID(tokenizerFolder: URL, tokenizer: CLIPTokenizer) throws -> Int {
        struct TokenizerConfiguration: Decodable { let pad_token: String? }
        let url = tokenizerFolder.appendingPathComponent("tokenizer_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return tokenizer.endOfTextID }
        let padding = try JSONDecoder().decode(TokenizerConfiguration.self, from: Data(contentsOf: url)).pad_token ?? "<|endoftext|>"
        switch padding {
        case "<|endoftext|>": return tokenizer.endOfTextID
        case "<|startoftext|>": return tokenizer.startOfTextID
        case "!": return 0  // the first entry of CLIP's byte-level vocabulary
        default:
            throw GenerationError.invalidConfiguration(source: url.path, reason: "pad_token \(padding) is not supported")
        }
    }
}
