import Tensor

/// Bidirectional retrieval evaluation of image and text embeddings: Recall@K for text→image
/// (each caption's images are relevant) and image→text (each image's captions are relevant),
/// scored by inner product (cosine for unit embeddings), chunked over queries so that, for
/// example, 100k images × 500k captions never holds the full score matrix.
public enum RetrievalEvaluation {
    /// - Parameters:
    ///   - images: `[imageCount, D]` image embeddings.
    ///   - texts: `[textCount, D]` caption embeddings.
    ///   - imagesOfText: for each caption row, its image rows.
    ///   - ks: the K values (default 1, 5, 10).
    ///   - dropsUnlinkedQueries: leave out captions without images and images without captions
    ///     (otherwise they are an error); each direction's `queries` counts the queries kept.
    ///   - scoreBudget: most floats of scores held at once.
    public static func evaluate(images: Tensor, texts: Tensor, imagesOfText: [[Int]], ks: [Int] = RecallAtK.standardKs,
                                dropsUnlinkedQueries: Bool = false,
                                scoreBudget: Int = 16 * 1024 * 1024) throws -> RetrievalEvaluationReport {
        guard images.rank == 2, texts.rank == 2 else {
            throw EvaluationError.shapeMismatch(detail: "images \(images.shape) and texts \(texts.shape) must be [rows, D]")
        }
        let imageCount = images.shape[0]
        guard imagesOfText.count == texts.shape[0] else {
            throw EvaluationError.groundTruthCount(queries: texts.shape[0], entries: imagesOfText.count)
        }
        var textsOfImage = Array(repeating: [Int](), count: imageCount)
        for (text, related) in imagesOfText.enumerated() {
            for image in related where image >= 0 && image < imageCount { textsOfImage[image].append(text) }
        }
        let textQueries = dropsUnlinkedQueries ? imagesOfText.indices.filter { !imagesOfText[$0].isEmpty } : Array(imagesOfText.indices)
        let imageQueries = dropsUnlinkedQueries ? textsOfImage.indices.filter { !textsOfImage[$0].isEmpty } : Array(textsOfImage.indices)
        let textRanks = try FirstRelevantRank.ranks(queries: rows(textQueries, of: texts), database: images,
                                                    relevant: textQueries.map { imagesOfText[$0] }, scoreBudget: scoreBudget)
        let imageRanks = try FirstRelevantRank.ranks(queries: rows(imageQueries, of: images), database: texts,
                                                     relevant: imageQueries.map { textsOfImage[$0] }, scoreBudget: scoreBudget)
        return RetrievalEvaluationReport(
            textToImage: DirectionRecall(queries: textQueries.count, candidates: imageCount,
                                         recall: try RecallAtK.recall(ranks: textRanks, ks: ks)),
            imageToText: DirectionRecall(queries: imageQueries.count, candidates: texts.shape[0],
                                         recall: try RecallAtK.recall(ranks: imageRanks, ks: ks)))
    }

    /// Recall@K of paired embeddings, the competition paper's validation metric: row i of `images`
    /// `[N, D]` and of `texts` `[N, D]` are a pair; rows are L2-normalised (cosine scores
    /// Î·T̂ᵀ), and a text is relevant to an image (and the image to the text) when their
    /// `matchKeys` are equal, so a caption repeated for several images counts for each.
    public static func evaluate(pairedImages images: Tensor, texts: Tensor, matchKeys: [String], ks: [Int] = RecallAtK.standardKs,
                                scoreBudget: Int = 16 * 1024 * 1024) throws -> RetrievalEvaluationReport {
        guard images.rank == 2, texts.rank == 2, images.shape == texts.shape else {
            throw EvaluationError.shapeMismatch(detail: "paired images \(images.shape) and texts \(texts.shape) must both be [pairs, D]")
        }
        let count = images.shape[0]
        guard matchKeys.count == count else { throw EvaluationError.groundTruthCount(queries: count, entries: matchKeys.count) }
        let unitImages = images.l2NormalizedRows(), unitTexts = texts.l2NormalizedRows()  // [N, D] each
        let relevance = Relevance.matching(queries: matchKeys, database: matchKeys)
        let imageRanks = try FirstRelevantRank.ranks(queries: unitImages, database: unitTexts, relevance: relevance, scoreBudget: scoreBudget)
        let textRanks = try FirstRelevantRank.ranks(queries: unitTexts, database: unitImages, relevance: relevance, scoreBudget: scoreBudget)
        return RetrievalEvaluationReport(
            textToImage: DirectionRecall(queries: count, candidates: count, recall: try RecallAtK.recall(ranks: textRanks, ks: ks)),
            imageToText: DirectionRecall(queries: count, candidates: count, recall: try RecallAtK.recall(ranks: imageRanks, ks: ks)))
    }

    /// The rows `indices` of `matrix` (the matrix itself when they are all of its rows in order).
    static func rows(_ indices: [Int], of matrix: Tensor) -> Tensor {
        if indices.count == matrix.shape[0] { return matrix }
        let width = matrix.shape[1]
        return Tensor(shape: [indices.count, width]) { output in
            for (position, row) in indices.enumerated() {
                (output.baseAddress! + position * width).initialize(from: matrix.pointer + row * width, count: width)
            }
        }
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
