import Foundation
import NN
import Tensor

extension CLIPConfiguration {
    /// The configuration an OpenAI/OpenCLIP state dict was saved from, read off its tensors'
    /// shapes as OpenCLIP's `build_model_from_openai_state_dict` does: widths from `conv1`,
    /// `ln_final` and the projections, depths by counting blocks, image size from the positional
    /// embedding's grid, MLP widths from `c_fc`.
    ///
    /// Head counts are not visible in the shapes: they are width / `headWidth` (64 in every OpenAI
    /// and OpenCLIP model; width · 32 / `headWidth` for the ResNet's attention pool). The
    /// activation cannot be seen either: OpenAI's weights need `.quickGELU`.
    /// Names may carry the prefixes `CLIPWeightMapping.openCLIP` strips.
    public static func inferred(from tensors: [String: Tensor], activation: Activation = .quickGELU, headWidth: Int = 64,
                                source: String = "the checkpoint") throws -> CLIPConfiguration {
        try inferred(fromShapes: tensors.mapValues(\.shape), activation: activation, headWidth: headWidth, source: source)
    }

    /// As `inferred(from:activation:headWidth:source:)`, from tensor names and shapes alone.
    public static func inferred(fromShapes checkpointShapes: [String: [Int]], activation: Activation = .quickGELU,
                                headWidth: Int = 64, source: String = "the checkpoint") throws -> CLIPConfiguration {
        var shapes: [String: [Int]] = [:]
        for (name, shape) in checkpointShapes { shapes[try CLIPWeightMapping.openCLIP.modelName(for: name)] = shape }
        func shape(_ name: String, rank: Int) throws -> [Int] {
            guard let found = shapes[name] else {
                throw ModelError.cannotInferConfiguration(source: source, reason: "it has no tensor \(name)")
            }
            guard found.count == rank else {
                throw ModelError.cannotInferConfiguration(source: source, reason: "\(name) has shape \(found), expected rank \(rank)")
            }
            return found
        }
        /// The number of blocks `prefix<index>.…`, requiring indices 0 ..< count.
        func blockCount(_ prefix: String) throws -> Int {
            let indices = Set(shapes.keys.compactMap { name -> Int? in
                guard name.hasPrefix(prefix) else { return nil }
                return Int(name.dropFirst(prefix.count).prefix { $0 != "." })
            })
            guard !indices.isEmpty, indices == Set(0..<indices.count) else {
                throw ModelError.cannotInferConfiguration(
                    source: source, reason: "blocks \(prefix)<n> are missing or not numbered from 0 (found \(indices.sorted()))")
            }
            return indices.count
        }
        func squareGrid(_ name: String, positions: Int) throws -> Int {
            let side = Int(Double(positions - 1).squareRoot().rounded())
            guard side > 0, side * side + 1 == positions else {
                throw ModelError.cannotInferConfiguration(
                    source: source, reason: "\(name) has \(positions) rows, not a square grid plus one")
            }
            return side
        }
        func heads(_ width: Int, _ name: String) throws -> Int {
            guard headWidth > 0, width % headWidth == 0 else {
                throw ModelError.cannotInferConfiguration(
                    source: source, reason: "\(name) width \(width) is not a multiple of the head width \(headWidth)")
            }
            return width / headWidth
        }

        // Text tower.
        let textProjection = try shape("text_projection", rank: 2)
        let textWidth = try shape("ln_final.weight", rank: 1)[0]
        let text = TextTransformerConfiguration(
            contextLength: try shape("positional_embedding", rank: 2)[0],
            vocabularySize: try shape("token_embedding.weight", rank: 2)[0],
            width: textWidth, layers: try blockCount("transformer.resblocks."), heads: try heads(textWidth, "text"),
            mlpWidth: try shape("transformer.resblocks.0.mlp.c_fc.weight", rank: 2)[0],
            outputDimension: textProjection[1], activation: activation)

        // Image tower.
        let vision: ImageTowerConfiguration
        if shapes["visual.proj"] != nil {
            let patchEmbedding = try shape("visual.conv1.weight", rank: 4)
            let width = patchEmbedding[0], patch = patchEmbedding[3]
            let grid = try squareGrid("visual.positional_embedding", positions: try shape("visual.positional_embedding", rank: 2)[0])
            vision = .visionTransformer(VisionTransformerConfiguration(
                imageSize: grid * patch, patchSize: patch, width: width,
                layers: try blockCount("visual.transformer.resblocks."), heads: try heads(width, "vision"),
                mlpWidth: try shape("visual.transformer.resblocks.0.mlp.c_fc.weight", rank: 2)[0],
                outputDimension: try shape("visual.proj", rank: 2)[1], activation: activation))
        } else if shapes["visual.attnpool.c_proj.weight"] != nil {
            let width = try shape("visual.layer1.0.conv1.weight", rank: 4)[0]
            let grid = try squareGrid("visual.attnpool.positional_embedding",
                                      positions: try shape("visual.attnpool.positional_embedding", rank: 2)[0])
            vision = .modifiedResNet(ModifiedResNetConfiguration(
                imageSize: grid * 32, layers: try (1...4).map { try blockCount("visual.layer\($0).") }, width: width,
                heads: try heads(width * 32, "attention pool"),
                outputDimension: try shape("visual.attnpool.c_proj.weight", rank: 2)[0]))
        } else {
            throw ModelError.cannotInferConfiguration(
                source: source, reason: "it has neither visual.proj (vision transformer) nor visual.attnpool (modified ResNet)")
        }
        guard vision.outputDimension == text.outputDimension else {
            throw ModelError.cannotInferConfiguration(
                source: source, reason: "image embeddings (\(vision.outputDimension)) and text embeddings (\(text.outputDimension)) differ in width")
        }
        return CLIPConfiguration(vision: vision, text: text)
    }
}
