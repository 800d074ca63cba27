import ArgumentParser
import CLIPKit
import Foundation
import Models
import NN
import Retrieval
import Tensor

/// `--model` and the loading choices every command that embeds shares.
struct ModelOptionGroup: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Model: clipkit-default, clipkit-default-multilingual, open_clip's ARCH/TAG (ViT-B-32/openai), a pulled hub repository (ORG/NAME, hf-hub:ORG/NAME), "
            + "or a checkpoint file or folder. Default: a store's own model, else clipkit-default.",
        discussion: "Checkpoints: OpenAI .pt, OpenCLIP .bin/.pt/.safetensors, Chinese-CLIP .pt, Hugging Face or OpenCLIP folders.",
        valueName: "name-or-path"))
    var model: String?

    @Option(help: ArgumentHelp(
        "Transformer activation of a bare CLIP state dict: gelu or quick-gelu (default: quick-gelu for OpenAI .pt and "
            + "open_clip tags trained with it, gelu otherwise).",
        valueName: "activation"))
    var activation: String?

    @Option(help: ArgumentHelp("Attention head width of a bare CLIP state dict or a Multilingual-CLIP text encoder (default 64).",
                               valueName: "width"))
    var headWidth: Int?

    @Option(help: ArgumentHelp("Multilingual-CLIP (M-CLIP/…): the CLIP whose image tower the text model pairs with, as a model "
                                 + "name or checkpoint path (default: the one its name says, e.g. ViT-B-32/openai).",
                               valueName: "name-or-path"))
    var imageTower: String?

    @Option(help: ArgumentHelp("clipkit-default: how many of an image's most probable ImageNet classes its embedding combines (ConSE's T).",
                               valueName: "count"))
    var defaultTopClasses = DefaultModel.topCount

    @Option(help: ArgumentHelp("Number format of the towers' Linear and attention products: fp32, bf16 (AVX512_BF16 CPUs) or int8 "
                                 + "(AVX512_VNNI CPUs); elsewhere fp32 with a notice. Embeddings keep cosine ≥ 0.999 (bf16) / ≥ 0.995 (int8) with fp32.",
                               valueName: "precision"))
    var precision: String = InferencePrecision.fp32.rawValue

    var options: ModelOptions {
        get throws {
            var options = ModelOptions(headWidth: headWidth, topCount: defaultTopClasses, imageTower: imageTower,
                                       precision: try InferencePrecision.parsedOption(precision))
            switch activation {
            case nil: break
            case "gelu": options.activation = .gelu
            case "quick-gelu", "quickgelu", "quick_gelu": options.activation = .quickGELU
            case let other?: throw ValidationError("--activation must be gelu or quick-gelu, got \(other)")
            }
            return options
        }
    }

    /// The model named by `--model`, or `fallback` when none is given.
    func load(orElse fallback: String = DefaultModel.name) throws -> ImageTextModel {
        try ModelRegistry.load(model ?? fallback, options: try options, progress: ProgressBar.callback(label: Self.labelCacheLabel))
    }

    /// The model to use with `store` (see `StoreModelSelection`).
    func load(for store: any CollectionStore, emptyStore: StoreModelSelection.EmptyStore) throws -> ImageTextModel {
        try StoreModelSelection.model(for: store, requested: model, options: try options, emptyStore: emptyStore,
                                      progress: ProgressBar.callback(label: Self.labelCacheLabel))
    }

    /// `clipkit-default` embeds its ImageNet class prompts on first use and caches them.
    static let labelCacheLabel = "embedding ImageNet class prompts (once, then cached)"
}
