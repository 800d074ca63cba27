import ArgumentParser
import Checkpoint
import Foundation
import Imaging
import Tensor

struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Decode and preprocess images exactly as the reference pipelines do.",
        subcommands: [Preprocess.self])

    enum Preset: String, ExpressibleByArgument, CaseIterable {
        case openai, competition
        var preprocessing: Preprocessing {
            switch self {
            case .openai: .openAICLIP
            case .competition: .competitionRetrieval
            }
        }
    }

    struct Preprocess: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn images into a normalised [N, 3, H, W] tensor batch.",
            discussion: """
                Presets: openai = shortest side to 224 (bicubic, Pillow-exact) + center crop + OpenAI \
                mean/std; competition = the retrieval paper's rule (aspect ≤ 2:1 stretched to a square, \
                longer images cut to 2:1 first, bicubic 224×224). Unreadable or oversized files are \
                reported and skipped.
                Example: clipkit image preprocess photos/*.jpg --out batch.safetensors
                """)

        @Argument(help: "Image files (JPEG, PNG, WebP).", completion: .file())
        var images: [String]

        @Option(help: "Preprocessing preset: \(Preset.allCases.map(\.rawValue).joined(separator: ", ")).")
        var preset: Preset = .openai

        @Option(help: "Refuse images with more pixels than this (decompression-bomb guard).")
        var maxPixels: Int = 89_478_485

        @Option(help: "Write the batch (key \"pixel_values\") and file names to this .safetensors file.")
        var out: String?

        func run() throws {
            guard !images.isEmpty else { throw ValidationError("give at least one image file") }
            let decoder = ImageDecoder(maximumPixelCount: maxPixels)
            let preprocessing = preset.preprocessing
            var tensors: [Tensor] = [], names: [String] = []
            for path in images {
                do {
                    let image = try decoder.decode(contentsOf: URL(fileURLWithPath: path))
                    let tensor = try preprocessing(image)
                    tensors.append(tensor)
                    names.append(path)
                    let mean = tensor.mean()
                    print("\(path): \(image.width)×\(image.height) → \(tensor.shape), mean \(String(format: "%.4f", mean))")
                } catch {
                    FileHandle.standardError.write(Data("skipped: \(error)\n".utf8))
                }
            }
            guard !tensors.isEmpty else { throw ValidationError("no image could be read") }
            let batch = Tensor.stackingImages(tensors)
            print("batch \(batch.shape)")
            if let out {
                let nameList = String(decoding: try JSONSerialization.data(withJSONObject: names), as: UTF8.self)
                try SafetensorsFile.write(["pixel_values": batch], metadata: ["files": nameList], to: URL(fileURLWithPath: out))
                print("wrote \(out)")
            }
        }
    }
}
