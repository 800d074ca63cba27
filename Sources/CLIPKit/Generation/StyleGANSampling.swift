import Foundation
import Generation
import Tensor

/// Unconditional sampling from a trained StyleGAN2 folder (`clipkit generate --model RUN` for a
/// `stylegan` run, `TrainedStyleGAN`): `count` images from z ~ N(0, I) drawn from `seed`, with
/// truncation ψ towards the tracked mean w (Karras et al. 2019, §3.3), written as PNG files
/// `<seed>-<index>.png` whose `iTXt` metadata records the model, seed, ψ and index.
public struct StyleGANSampling {
    public let model: TrainedStyleGAN
    public let modelName: String

    /// Loads a `stylegan` run folder or its `model/` folder.
    public init(model path: String) throws {
        model = try TrainedStyleGAN(directory: URL(fileURLWithPath: path, isDirectory: true))
        modelName = path
    }

    /// Whether `path` (or its `model/` subfolder) holds a trained StyleGAN2 generator.
    public static func isStyleGANFolder(_ path: String) -> Bool {
        let directory = URL(fileURLWithPath: path, isDirectory: true)
        return [directory, directory.appendingPathComponent("model")].contains { folder in
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(TrainedStyleGAN.configurationFile).path)
        }
    }

    /// Writes the images and returns their files.
    public func run(count: Int, seed: UInt64, truncation psi: Float, outputDirectory: URL) throws -> [URL] {
        let images = model.sample(count: count, seed: seed, truncation: psi)  // [count, channels, size, size] in [0, 1]
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        return try (0..<count).map { index in
            let file = outputDirectory.appendingPathComponent("\(seed)-\(index).png")
            let metadata = [("model", modelName), ("seed", String(seed)), ("truncation", String(psi)), ("index", String(index)),
                            ("Software", "CLIPKit")]
            try ImageGeneration.png(images[index], metadata: metadata).write(to: file)
            return file
        }
    }
}
