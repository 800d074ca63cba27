import Tensor

/// Bidirectional retrieval recall of paired embeddings (the competition paper's metric): with
/// cosine similarities S = Î·T̂ᵀ, image→text R@K is the fraction of images whose K most similar
/// texts include a correct one, text→image R@K the converse. A text is correct for an image when
/// it is the image's own caption or the same caption string (synthetic data repeats captions).
public enum ContrastiveEvaluation {
    public struct Recall: Sendable, Equatable {
        public var imageToText: [Int: Double]
        public var textToImage: [Int: Double]
        /// Metrics named `i2t_r1`, `t2i_r5`, …
        public var metrics: [String: Double] {
            var result: [String: Double] = [:]
            for (k, value) in imageToText { result["i2t_r\(k)"] = value }
            for (k, value) in textToImage { result["t2i_r\(k)"] = value }
            return result
        }
    }

    /// Recall at each of `ks` for `images` and `texts` `[N, D]` (row i of each is a pair) with `captions`.
    public static func recall(images: Tensor, texts: Tensor, captions: [String], ks: [Int] = [1, 5, 10]) -> Recall {
        let count = images.shape[0]
        precondition(texts.shape[0] == count && captions.count == count, "paired embeddings need the same count")
        let similarities = Tensor.matmul(normalizedRows(images), normalizedRows(texts), transposeB: true)  // [N, N]
        func recall(transposed: Bool) -> [Int: Double] {
            var hits = [Int: Int]()
            for query in 0..<count {
                let scores = (0..<count).map { candidate in
                    transposed ? similarities[indices: candidate, query] : similarities[indices: query, candidate]
                }
                let ranking = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
                let firstCorrect = ranking.firstIndex { captions[$0] == captions[query] } ?? count
                for k in ks where firstCorrect < k { hits[k, default: 0] += 1 }
            }
            return Dictionary(uniqueKeysWithValues: ks.map { ($0, Double(hits[$0] ?? 0) / Double(count)) })
        }
        return Recall(imageToText: recall(transposed: false), textToImage: recall(transposed: true))
    }

    static func normalizedRows(_ matrix: Tensor) -> Tensor {
        let norms = (matrix.squared().sum(alongAxis: 1, keepingDimension: true) + 1e-12).sqrt()
        return matrix / norms
    }
}
