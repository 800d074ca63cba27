import Foundation
import Generation
import Tensor

/// Faces from text with a trained text-to-face model (`clipkit generate --model RUN --text …` for
/// a `text2face` run, `TrainedTextToFace`): `count` images of one caption, ε and the generator's
/// noise drawn from `seed`, written as PNG files `<seed>-<index>.png` whose `iTXt` metadata records
/// the text, model, seed, ψ and index (and `conditioning mean` when z = μ(s) was rendered).
public struct TextToFaceSampling {
    public let model: TrainedTextToFace
    public let modelName: String

    public init(model: TrainedTextToFace, modelName: String) {
        self.model = model
        self.modelName = modelName
    }

    /// Loads a `text2face` run folder or its `model/` folder (and the text model its manifest names).
    public init(model path: String) throws {
        self.init(model: try TrainedTextToFace.load(from: URL(fileURLWithPath: path, isDirectory: true)), modelName: path)
    }

    /// Whether `path` (or its `model/` subfolder) holds a text-to-face model.
    public static func isTextToFaceFolder(_ path: String) -> Bool {
        TrainedTextToFace.modelFolder(URL(fileURLWithPath: path, isDirectory: true)) != nil
    }

    /// Writes `count` images of `text` and returns their files; ψ defaults to the model's.
    /// `conditioningMean`: z = μ(s) instead of μ(s) + σ(s) ⊙ ε (`TrainedTextToFace.images`).
    public func run(text: String, count: Int, seed: UInt64, truncation psi: Float?, conditioningMean: Bool = false,
                    outputDirectory: URL) throws -> [URL] {
        let psi = psi ?? model.manifest.truncation
        let images = try model.images(for: Array(repeating: text, count: count), seed: seed, truncation: psi,
                                      conditioningMean: conditioningMean)  // [count, c, size, size]
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        return try (0..<count).map { index in
            let file = outputDirectory.appendingPathComponent("\(seed)-\(index).png")
            let metadata = [("text", text), ("model", modelName), ("text_model", model.manifest.textModel), ("seed", String(seed)),
                            ("truncation", String(psi)), ("index", String(index)), ("Software", "CLIPKit")]
                + (conditioningMean ? [("conditioning", "mean")] : [])
            try ImageGeneration.png(images[index], metadata: metadata).write(to: file)
            return file
        }
    }

    /// A grid PNG: one row per caption, `perCaption` images each (seed `seed`).
    public func grid(captions: [String], perCaption: Int, seed: UInt64, truncation psi: Float? = nil) throws -> Data {
        let texts = captions.flatMap { Array(repeating: $0, count: perCaption) }
        return try ImageGeneration.gridPNG(try model.images(for: texts, seed: seed, truncation: psi), columns: perCaption)
    }
}
