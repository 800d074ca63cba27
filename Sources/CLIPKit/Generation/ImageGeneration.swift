import Foundation
import Generation
import Imaging
import Models
import Tensor

/// Image generation runs (`clipkit generate`): a model from a folder — a diffusers Stable Diffusion
/// pipeline (optionally with an IP-Adapter file) or a CLIPKit diffusion training run — then images
/// for one set of `GenerationSettings` and reference photos, written as PNG files whose `iTXt`
/// metadata holds the settings (`parameters`, JSON), the model and the references. A seed fixes
/// every image bit for bit.
public struct ImageGeneration {
    public let model: DiffusionModel
    /// How the model was given (its path), recorded in each image.
    public let modelName: String

    public init(model: DiffusionModel, modelName: String) {
        self.model = model
        self.modelName = modelName
    }

    /// Loads `path`: a CLIPKit training run (`generation.json`) or a diffusers folder
    /// (`model_index.json`; `ipAdapter` adds an IP-Adapter file). A diffusers tokenizer without
    /// `merges.txt` uses the CLIP merges list CLIPKit installs.
    public static func load(model path: String, ipAdapter: String? = nil) throws -> ImageGeneration {
        let directory = URL(fileURLWithPath: path, isDirectory: true)
        if DiffusionModel.isTrainedFolder(directory) {
            guard ipAdapter == nil else {
                throw GenerationError.invalidRequest("\(path) is a CLIPKit run: its adapter comes with it (drop --ip-adapter)")
            }
            return ImageGeneration(model: try DiffusionModel.loadTrained(directory: directory), modelName: path)
        }
        let merges = directory.appendingPathComponent("tokenizer/merges.txt")
        let mergesFile = FileManager.default.fileExists(atPath: merges.path) ? merges : try InstalledFiles.require(InstalledFiles.clipMerges)
        return ImageGeneration(model: try DiffusionModel.loadStableDiffusion(directory: directory, mergesFile: mergesFile,
                                                                             ipAdapter: ipAdapter.map { URL(fileURLWithPath: $0) }),
                               modelName: path)
    }

    /// Generates `count` images and writes `<outputDirectory>/<seed>-<index>.png`; returns the files.
    /// `progress(step, steps)` follows the denoising steps.
    public func run(_ settings: GenerationSettings, references: [URL] = [], count: Int = 1, outputDirectory: URL,
                    decoder: ImageDecoder = ImageDecoder(), progress: ((Int, Int) -> Void)? = nil) throws -> [URL] {
        let photos = try references.map { try decoder.decode(contentsOf: $0) }
        let images = try model.generate(settings, references: photos, count: count, progress: progress)  // [count, channels, h, w]
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let parameters = String(decoding: try encoder.encode(settings), as: UTF8.self)
        var files: [URL] = []
        for index in 0..<count {
            let metadata = [("parameters", parameters), ("model", modelName),
                            ("references", references.map(\.lastPathComponent).joined(separator: ", ")),
                            ("index", String(index)), ("Software", "CLIPKit")]
            let file = outputDirectory.appendingPathComponent("\(settings.seed)-\(index).png")
            try Self.png(images[index], metadata: metadata).write(to: file)
            files.append(file)
        }
        return files
    }

    /// A PNG of one image `[channels, height, width]` in [0, 1] (1 channel: grey, 3: RGB), values
    /// rounded to 8 bits, with text metadata.
    public static func png(_ image: Tensor, metadata: [(String, String)] = []) throws -> Data {
        precondition(image.rank == 3 && (image.shape[0] == 1 || image.shape[0] == 3), "an image is [1 or 3, height, width], got \(image.shape)")
        let (channels, height, width) = (image.shape[0], image.shape[1], image.shape[2])
        let plane = height * width
        var samples = [UInt8](repeating: 0, count: channels * plane)
        for position in 0..<plane {
            for channel in 0..<channels {
                let value = image.pointer[channel * plane + position]
                samples[position * channels + channel] = UInt8((min(max(value, 0), 1) * 255).rounded())
            }
        }
        let data = try PNGEncoder.encode(samples, width: width, height: height, layout: channels == 1 ? .gray : .rgb)
        return try PNGTextChunks.inserting(metadata.map { (keyword: $0.0, text: $0.1) }, into: data)
    }

    /// A grid PNG of images `[count, channels, height, width]` in [0, 1], `columns` wide, with a
    /// one-pixel white gutter (sample sheets for reports).
    public static func gridPNG(_ images: Tensor, columns: Int) throws -> Data {
        let (count, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let rows = (count + columns - 1) / columns
        let gridHeight = rows * (height + 1) - 1, gridWidth = columns * (width + 1) - 1
        let grid = Tensor(shape: [channels, gridHeight, gridWidth]) { buffer in
            buffer.initialize(repeating: 1)
            for index in 0..<count {
                let (row, column) = (index / columns, index % columns)
                for channel in 0..<channels {
                    for y in 0..<height {
                        for x in 0..<width {
                            buffer[(channel * gridHeight + row * (height + 1) + y) * gridWidth + column * (width + 1) + x] =
                                images.pointer[((index * channels + channel) * height + y) * width + x]
                        }
                    }
                }
            }
        }
        return try png(grid)
    }
}
