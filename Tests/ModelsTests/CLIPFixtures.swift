import Checkpoint
import Foundation
import Tensor
import TestSupport
import Testing

/// Files written by `scripts/fixtures/clip_models.py` (torch 2.15, open_clip_torch 3.3.0,
/// transformers 5.23.0).
enum CLIPFixtures {
    static func url(_ name: String) -> URL { TestPaths.fixture("clip_models", name) }

    /// Inputs and reference outputs of one fixture model.
    struct Reference {
        let images: Tensor
        let tokenIDs: [[Int]]
        let imageFeatures: Tensor
        let textFeatures: Tensor
        let imageEmbeddings: Tensor
        let textEmbeddings: Tensor
        let logitsPerImage: Tensor
    }

    static func reference(_ name: String) throws -> Reference {
        let file = try SafetensorsFile(contentsOf: url("\(name).reference.safetensors"))
        let tokens = try file.tensor(named: "tokens")
        let length = tokens.shape[1]
        let ids = tokens.scalars.map { Int($0) }
        return Reference(
            images: try file.tensor(named: "images"),
            tokenIDs: stride(from: 0, to: ids.count, by: length).map { Array(ids[$0..<($0 + length)]) },
            imageFeatures: try file.tensor(named: "image_features"),
            textFeatures: try file.tensor(named: "text_features"),
            imageEmbeddings: try file.tensor(named: "image_embeddings"),
            textEmbeddings: try file.tensor(named: "text_embeddings"),
            logitsPerImage: try file.tensor(named: "logits_per_image"))
    }

    /// The OpenCLIP model config dict a fixture model was built from.
    static func openCLIPConfiguration(_ name: String) throws -> Data {
        try Data(contentsOf: url("\(name).open_clip.json"))
    }
}
