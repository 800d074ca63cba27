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

/// How far `actual` is from `expected`: max |Δ| relative to max |expected|, and the smallest
/// cosine similarity between corresponding rows.
struct Agreement: CustomStringConvertible {
    let relativeMaximumDifference: Float
    let minimumRowCosine: Float

    init(_ actual: Tensor, _ expected: Tensor) {
        precondition(actual.shape == expected.shape, "shapes differ: \(actual.shape) vs \(expected.shape)")
        relativeMaximumDifference = actual.maxAbsoluteDifference(expected) / max(expected.abs().max(), .leastNormalMagnitude)
        let length = expected.shape.last!
        let a = actual.scalars, e = expected.scalars
        var minimum: Float = 1
        for row in stride(from: 0, to: a.count, by: length) {
            var dot: Double = 0, normA: Double = 0, normE: Double = 0
            for index in row..<(row + length) {
                dot += Double(a[index]) * Double(e[index])
                normA += Double(a[index]) * Double(a[index])
                normE += Double(e[index]) * Double(e[index])
            }
            minimum = min(minimum, Float(dot / (normA.squareRoot() * normE.squareRoot())))
        }
        minimumRowCosine = minimum
    }

    /// The bar: max |Δ| ≤ 1e-4 · max |ref| and cosine ≥ 0.99999 per row.
    var isWithinTolerance: Bool { relativeMaximumDifference <= 1e-4 && minimumRowCosine >= 0.99999 }

    var description: String {
        String(format: "max|Δ|/max|ref| = %.2e, min cosine = %.8f", relativeMaximumDifference, minimumRowCosine)
    }
}
