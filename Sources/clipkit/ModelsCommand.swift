import ArgumentParser
import CLIPKit
import Foundation
import Models

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Download models from the Hugging Face hub and list the ones in the cache.",
        discussion: """
            Files are cached under $CLIPKIT_HOME/models (default ~/.cache/clipkit/models). \
            HF_ENDPOINT selects a mirror; HF_TOKEN authenticates for private or gated repositories.
            """,
        subcommands: [Pull.self, List.self])

    struct Pull: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a repository's configuration, tokenizer and weights.",
            discussion: """
                Downloads resume after an interruption and are checked against the sizes and SHA-256 \
                digests the hub reports. Safetensors weights are preferred over PyTorch pickles.
                Example: clipkit models pull openai/clip-vit-base-patch32
                         clipkit models pull laion/CLIP-ViT-B-32-laion2B-s34B-b79K@main
                """)

        @Argument(help: "ORG/NAME or ORG/NAME@REVISION.")
        var repository: String

        func run() throws {
            guard let reference = try ModelReference(parsing: repository).repository else {
                throw ValidationError("\(repository) is not a hub repository: give ORG/NAME[@REVISION] or open_clip's ARCH/TAG")
            }
            let client = HubClient()
            var bars: [String: ProgressBar] = [:]
            var sizes: [String: Int] = [:]
            let model = try client.pull(reference, progress: { file, bytes, total in
                let bar = bars[file] ?? ProgressBar(label: file, total: total, unit: .bytes)
                bars[file] = bar
                sizes[file] = bytes
                bar.update(bytes)
            })
            for (file, bar) in bars { bar.finish(sizes[file] ?? 0) }
            print("\(reference) at commit \(model.commit): \(model.files.count) files in \(model.directory.path)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List downloaded models.")

        func run() {
            let client = HubClient()
            let models = client.localModels()
            if models.isEmpty {
                print("no models in \(client.cacheDirectory.path); fetch one with `clipkit models pull ORG/NAME`")
                return
            }
            for model in models {
                let megabytes = Double(model.byteCount) / 1e6
                print("\(model.repository)  \(model.commit.prefix(12))  \(model.files.count) files  \(String(format: "%.1f", megabytes)) MB  \(model.directory.path)")
            }
        }
    }
}
