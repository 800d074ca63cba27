import Tensor

/// Bidirectional retrieval evaluation of image and text embeddings: Recall@K for text→image
/// (each caption's images are relevant) and image→text (each image's captions are relevant),
/// scored by inner product (cosine for unit embeddings), chunked over queries so that, for
/// example, 100k images × 500k captions never holds the full score matrix.
public enum RetrievalEvaluation {
    /// - Parameters:
    ///   - images: `[imageCount, D]` image embeddings.
    ///   - texts: `[textCount, D]` caption embeddings.
    ///   - imagesOfText: for each caption row, its image rows (non-empty).
    ///   - ks: the K values (default 1, 5, 10).
    ///   - scoreBudget: most floats of scores held at once.
    public static func evaluate(images: Tensor, texts: Tensor, imagesOfText: [[Int]], ks: [Int] = RecallAtK.standardKs,
                                scoreBudget: Int = 16 * 1024 * 1024) throws -> RetrievalEvaluationReport {
        guard images.rank == 2, texts.rank == 2 else {
            throw EvaluationError.shapeMismatch(detail: "images \(images.shape) and texts \(texts.shape) must be [rows, D]")
        }
        let imageCount = images.shape[0]
        var textsOfImage = Array(repeating: [Int](), count: imageCount)
        for (text, related) in imagesOfText.enumerated() {
            for image in related where image >= 0 && image < imageCount { textsOfImage[image].append(text) }
        }
        let textRanks = try FirstRelevantRank.ranks(queries: texts, database: images, relevant: imagesOfText, scoreBudget: scoreBudget)
        let imageRanks = try FirstRelevantRank.ranks(queries: images, database: texts, relevant: textsOfImage, scoreBudget: scoreBudget)
        return RetrievalEvaluationReport(
            textToImage: DirectionRecall(queries: texts.shape[0], candidates: imageCount,
                                         recall: try RecallAtK.recall(ranks: textRanks, ks: ks)),
            imageToText: DirectionRecall(queries: imageCount, candidates: texts.shape[0],
                                         recall: try RecallAtK.recall(ranks: imageRanks, ks: ks)))
    }

    /// The same from a full `[textCount, imageCount]` score matrix (small sets, hand-made examples).
    public static func evaluate(textToImageScores scores: Tensor, imagesOfText: [[Int]],
                                ks: [Int] = RecallAtK.standardKs) throws -> RetrievalEvaluationReport {
        guard scores.rank == 2 else { throw EvaluationError.shapeMismatch(detail: "scores must be [texts, images], got \(scores.shape)") }
        let (textCount, imageCount) = (scores.shape[0], scores.shape[1])
        var textsOfImage = Array(repeating: [Int](), count: imageCount)
        for (text, related) in imagesOfText.enumerated() {
            for image in related where image >= 0 && image < imageCount { textsOfImage[image].append(text) }
        }
        let transposed = Tensor(shape: [imageCount, textCount]) { output in
            for text in 0..<textCount {
                for image in 0..<imageCount { output[image * textCount + text] = scores.pointer[text * imageCount + image] }
            }
        }
        let textRanks = try FirstRelevantRank.ranks(scores: scores, relevant: imagesOfText)
        let imageRanks = try FirstRelevantRank.ranks(scores: transposed, relevant: textsOfImage)
        return RetrievalEvaluationReport(
            textToImage: DirectionRecall(queries: textCount, candidates: imageCount, recall: try RecallAtK.recall(ranks: textRanks, ks: ks)),
            imageToText: DirectionRecall(queries: imageCount, candidates: textCount, recall: try RecallAtK.recall(ranks: imageRanks, ks: ks)))
    }
}
