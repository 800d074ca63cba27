import ArgumentParser
import CLIPKit
import Foundation
import NN

/// `--model` and the loading choices every embedding command shares.
struct ModelOptionGroup: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Model: clipkit-default, a pulled hub repository (ORG/NAME), or a checkpoint file or folder.",
        discussion: "Checkpoints: OpenAI .pt, OpenCLIP .bin/.pt/.safetensors, Hugging Face or OpenCLIP folders.",
        valueName: "name-or-path"))
    var model = ConSEModel.name

    @Option(help: ArgumentHelp(
        "Transformer activation of a bare CLIP state dict: gelu or quick-gelu (default: quick-gelu for OpenAI .pt, gelu otherwise).",
        valueName: "activation"))
    var activation: String?

    var options: ModelOptions {
        get throws {
            var options = ModelOptions()
            switch activation {
            case nil: break
            case "gelu": options.activation = .gelu
            case "quick-gelu", "quickgelu", "quick_gelu": options.activation = .quickGELU
            case let other?: throw ValidationError("--activation must be gelu or quick-gelu, got \(other)")
            }
            return options
        }
    }

    /// Loads the model, showing progress while `clipkit-default` builds its label cache.
    func load() throws -> any ImageTextModel {
        var bar: ProgressBar?, finished = 0
        let model = try ModelLoader.load(self.model, options: try options) { done, total in
            if bar == nil { bar = ProgressBar(label: "label embeddings (first run only)", total: total) }
            bar?.update(done)
            finished = done
        }
        bar?.finish(finished)
        return model
    }
}
