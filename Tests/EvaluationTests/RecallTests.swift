import Evaluation
import Foundation
import Tensor
import Testing

@Suite struct RecallTests {
    /// Four captions × three images, worked by hand:
    /// - t0 [0.9 0.1 0.3], relevant {0}: nothing beats 0.9 → rank 0.
    /// - t1 [0.5 0.4 0.8], relevant {1}: 0.5 and 0.8 beat 0.4 → rank 2.
    /// - t2 [0.2 0.7 0.7], relevant {2}: image 1 ties at 0.7 with a lower index → rank 1.
    /// - t3 [0.1 0.6 0.3], relevant {0, 2}: best relevant 0.3; 0.6 beats it → rank 1.
    /// Image→text reads the columns: image 0 {t0, t3} best 0.9 → 0; image 1 {t1} 0.4 below 0.7, 0.6 → 2;
    /// image 2 {t2, t3} best 0.7 below 0.8 → 1.
    let scores = Tensor(shape: [4, 3], scalars: [0.9, 0.1, 0.3,
                                                 0.5, 0.4, 0.8,
                                                 0.2, 0.7, 0.7,
                                                 0.1, 0.6, 0.3])
    let imagesOfText = [[0], [1], [2], [0, 2]]

    @Test func handComputedToyMatrix() throws {
        #expect(try FirstRelevantRank.ranks(scores: scores, relevant: imagesOfText) == [0, 2, 1, 1])
        let report = try RetrievalEvaluation.evaluate(textToImageScores: scores, imagesOfText: imagesOfText, ks: [1, 2, 3])
        #expect(report.textToImage.recall == [1: 0.25, 2: 0.75, 3: 1])
        #expect(report.imageToText.recall == [1: 1.0 / 3, 2: 2.0 / 3, 3: 1])
        #expect(abs(report.meanRecall - 4.0 / 6) < 1e-12)
        #expect(report.textToImage.queries == 4 && report.textToImage.candidates == 3)
        #expect(report.imageToText.queries == 3 && report.imageToText.candidates == 4)

        // K beyond the candidate count: every query is a hit.
        let standard = try RetrievalEvaluation.evaluate(textToImageScores: scores, imagesOfText: imagesOfText)
        #expect(standard.textToImage.recall == [1: 0.25, 5: 1, 10: 1])
    }

    @Test func chunkedEmbeddingsMatchTheFullMatrixAndABruteForceArgsort() throws {
        var generator = SeededGenerator(seed: 4)
        let images = Tensor.randomNormal([97, 16], generator: &generator)
        let texts = Tensor.randomNormal([300, 16], generator: &generator)
        let imagesOfText = (0..<300).map { text in text % 7 == 0 ? [text % 97, (text * 5) % 97] : [text % 97] }
        let full = Tensor.matmul(texts, images, transposeB: true)
        let fromMatrix = try FirstRelevantRank.ranks(scores: full, relevant: imagesOfText)
        let chunked = try FirstRelevantRank.ranks(queries: texts, database: images, relevant: imagesOfText, scoreBudget: 97 * 13)
        #expect(chunked == fromMatrix)
        for text in 0..<300 {
            let row = full.scalars[text * 97..<(text + 1) * 97].map { $0 }
            let order = (0..<97).sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
            #expect(fromMatrix[text] == order.firstIndex { imagesOfText[text].contains($0) }!)
        }

        let report = try RetrievalEvaluation.evaluate(images: images, texts: texts, imagesOfText: imagesOfText, scoreBudget: 1_000)
        let expected = try RecallAtK.recall(ranks: fromMatrix)
        #expect(report.textToImage.recall == expected)
    }

    @Test func recallTreatsRepeatedCaptionsAsCorrect() throws {
        let images = Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 0])
        let texts = Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 0.8, 0.6])
        // Image 2 equals image 0, so its best text is text 0: correct only when captions 0 and 2 agree.
        let repeated = try RetrievalEvaluation.evaluate(pairedImages: images, texts: texts, matchKeys: ["x", "y", "x"], ks: [1, 2])
        #expect(repeated.imageToText.recall == [1: 1, 2: 1] && repeated.textToImage.recall == [1: 1, 2: 1])
        let unique = try RetrievalEvaluation.evaluate(pairedImages: images, texts: texts, matchKeys: ["x", "y", "z"], ks: [1, 2])
        #expect(unique.imageToText.recall == [1: 2.0 / 3.0, 2: 1])
        // Text 2 ranks images 0 and 2 (0.8 each; lower index first), then image 1.
        #expect(unique.textToImage.recall == [1: 2.0 / 3.0, 2: 1])
        #expect(unique.metrics == ["i2t_r1": 2.0 / 3.0, "i2t_r2": 1, "t2i_r1": 2.0 / 3.0, "t2i_r2": 1])
    }

    /// The rank of a stable descending argsort (ties: lower index first) of `row`, at the first
    /// index `isRelevant` accepts.
    static func bruteForceRank(_ row: [Float], isRelevant: (Int) -> Bool) -> Int {
        let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
        return order.firstIndex(where: isRelevant)!
    }

    /// Small integer vectors: exact scores with many ties, and match keys from a small set.
    @Test func ranksMatchABruteForceArgsortOnRandomDataWithTies() throws {
        var generator = SeededGenerator(seed: 21)
        func integers(_ count: Int) -> [Float] { (0..<count).map { _ in Float(Int(generator.next() % 3) - 1) } }
        let (imageCount, textCount, width) = (40, 90, 3)
        let images = Tensor(shape: [imageCount, width], scalars: integers(imageCount * width))
        let texts = Tensor(shape: [textCount, width], scalars: integers(textCount * width))
        let imageKeys = (0..<imageCount).map { _ in Int(generator.next() % 6) }
        var textKeys = (0..<textCount).map { _ in Int(generator.next() % 6) }
        for key in 0..<6 where !imageKeys.contains(key) { textKeys = textKeys.map { $0 == key ? imageKeys[0] : $0 } }
        let textToImage = Tensor.matmul(texts, images, transposeB: true)  // [texts, images]
        let imageToText = Tensor.matmul(images, texts, transposeB: true)  // [images, texts]
        func row(_ matrix: Tensor, _ index: Int) -> [Float] {
            let width = matrix.shape[1]
            return Array(matrix.scalars[index * width..<(index + 1) * width])
        }
        var tiedRows = 0
        for text in 0..<textCount where Set(row(textToImage, text)).count < imageCount { tiedRows += 1 }
        #expect(tiedRows == textCount, "every row has ties")

        // Match keys, full matrix and chunked, both directions.
        let keyed = Relevance.matchingKeys(queries: textKeys, database: imageKeys)
        let expected = (0..<textCount).map { text in Self.bruteForceRank(row(textToImage, text)) { imageKeys[$0] == textKeys[text] } }
        #expect(try FirstRelevantRank.ranks(scores: textToImage, relevance: keyed) == expected)
        #expect(try FirstRelevantRank.ranks(queries: texts, database: images, relevance: keyed, scoreBudget: 7 * imageCount) == expected)
        let reverse = Relevance.matchingKeys(queries: imageKeys, database: textKeys)
        let expectedReverse = (0..<imageCount).map { image in
            Self.bruteForceRank(row(imageToText, image)) { textKeys[$0] == imageKeys[image] }
        }
        #expect(try FirstRelevantRank.ranks(queries: images, database: texts, relevance: reverse, scoreBudget: 5 * textCount) == expectedReverse)

        // Ground-truth links give the same ranks as the keys they spell out.
        let links = textKeys.map { key in imageKeys.indices.filter { imageKeys[$0] == key } }
        #expect(try FirstRelevantRank.ranks(queries: texts, database: images, relevant: links, scoreBudget: 11) == expected)

        // Recall@K from the brute-force ranks, through the report of paired embeddings.
        let pairs = Tensor(shape: [imageCount, width], scalars: Array(texts.scalars[0..<(imageCount * width)]))
        let keys = imageKeys.map(String.init)
        let report = try RetrievalEvaluation.evaluate(pairedImages: images, texts: pairs, matchKeys: keys, ks: [1, 3, 10], scoreBudget: 64)
        let unitImages = images.l2NormalizedRows(), unitTexts = pairs.l2NormalizedRows()
        let pairedImageToText = Tensor.matmul(unitImages, unitTexts, transposeB: true)  // [N, N]
        let pairedTextToImage = Tensor.matmul(unitTexts, unitImages, transposeB: true)  // [N, N]
        let i2t = (0..<imageCount).map { query in Self.bruteForceRank(row(pairedImageToText, query)) { keys[$0] == keys[query] } }
        let t2i = (0..<imageCount).map { query in Self.bruteForceRank(row(pairedTextToImage, query)) { keys[$0] == keys[query] } }
        #expect(report.imageToText.recall == (try RecallAtK.recall(ranks: i2t, ks: [1, 3, 10])))
        #expect(report.textToImage.recall == (try RecallAtK.recall(ranks: t2i, ks: [1, 3, 10])))
    }

    @Test func matchKeysMustGiveEveryQueryARelevantRow() throws {
        #expect(throws: EvaluationError.queryWithoutRelevantItems(query: 1)) {
            try FirstRelevantRank.ranks(scores: scores, relevance: .matchingKeys(queries: [0, 5, 1, 2], database: [0, 1, 2]))
        }
        #expect(throws: EvaluationError.groundTruthCount(queries: 4, entries: 2)) {
            try FirstRelevantRank.ranks(scores: scores, relevance: .matchingKeys(queries: [0, 1], database: [0, 1, 2]))
        }
        #expect(throws: EvaluationError.shapeMismatch(detail: "2 database keys for 3 database rows")) {
            try FirstRelevantRank.ranks(scores: scores, relevance: .matchingKeys(queries: [0, 1, 1, 0], database: [0, 1]))
        }
        #expect(throws: EvaluationError.groundTruthCount(queries: 2, entries: 3)) {
            try RetrievalEvaluation.evaluate(pairedImages: Tensor(zeros: [2, 4]), texts: Tensor(zeros: [2, 4]), matchKeys: ["a", "b", "c"])
        }
    }

    @Test func unlinkedQueriesAreAnErrorOrDropped() throws {
        var generator = SeededGenerator(seed: 8)
        let images = Tensor.randomNormal([5, 4], generator: &generator)
        let texts = Tensor.randomNormal([6, 4], generator: &generator)
        let imagesOfText = [[0], [1], [], [2], [3], [0, 1]]  // text 2 has no image, image 4 no text
        #expect(throws: EvaluationError.queryWithoutRelevantItems(query: 2)) {
            try RetrievalEvaluation.evaluate(images: images, texts: texts, imagesOfText: imagesOfText)
        }
        let report = try RetrievalEvaluation.evaluate(images: images, texts: texts, imagesOfText: imagesOfText,
                                                      dropsUnlinkedQueries: true)
        #expect(report.textToImage.queries == 5 && report.imageToText.queries == 4)
        let kept = [0, 1, 3, 4, 5]
        let keptTexts = Tensor(shape: [5, 4], scalars: kept.flatMap { Array(texts.scalars[$0 * 4..<($0 + 1) * 4]) })
        let ranks = try FirstRelevantRank.ranks(queries: keptTexts, database: images, relevant: kept.map { imagesOfText[$0] })
        #expect(report.textToImage.recall == (try RecallAtK.recall(ranks: ranks)))
    }

    @Test func reportEncodesAsJSONWithRecallKeys() throws {
        let report = try RetrievalEvaluation.evaluate(textToImageScores: scores, imagesOfText: imagesOfText, ks: [1, 2])
        let object = try #require(try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
        let textToImage = try #require(object["text_to_image"] as? [String: Any])
        #expect(textToImage["R@1"] as? Double == 0.25 && textToImage["R@2"] as? Double == 0.75)
        #expect(textToImage["queries"] as? Int == 4)
        #expect(object["mean_recall"] is Double && object["image_to_text"] is [String: Any])
        #expect(try JSONDecoder().decode(RetrievalEvaluationReport.self, from: report.jsonData()) == report)
    }

    @Test func badInputsGiveClearErrors() throws {
        #expect(throws: EvaluationError.queryWithoutRelevantItems(query: 1)) {
            try FirstRelevantRank.ranks(scores: scores, relevant: [[0], [], [2], [1]])
        }
        #expect(throws: EvaluationError.groundTruthCount(queries: 4, entries: 2)) {
            try FirstRelevantRank.ranks(scores: scores, relevant: [[0], [1]])
        }
        #expect(throws: EvaluationError.relevantIndexOutOfRange(query: 0, index: 3, databaseCount: 3)) {
            try FirstRelevantRank.ranks(scores: scores, relevant: [[3], [1], [2], [0]])
        }
        #expect(throws: EvaluationError.nonFinite(name: "the scores", row: 1)) {
            try FirstRelevantRank.ranks(scores: Tensor(shape: [2, 2], scalars: [1, 0, .nan, 0]), relevant: [[0], [1]])
        }
        #expect(throws: EvaluationError.invalidK(0)) { try RecallAtK.recall(ranks: [0, 1], ks: [0]) }
        #expect(throws: EvaluationError.empty(name: "the database")) {
            try FirstRelevantRank.ranks(queries: Tensor(zeros: [1, 4]), database: Tensor(zeros: [0, 4]), relevant: [[0]])
        }
        #expect(throws: EvaluationError.self) {
            try FirstRelevantRank.ranks(queries: Tensor(zeros: [1, 4]), database: Tensor(zeros: [2, 3]), relevant: [[0]])
        }
        #expect(throws: EvaluationError.self) {
            try RetrievalEvaluation.evaluate(textToImageScores: scores, imagesOfText: [[0], [1], [0], [0]])  // image 2 has no caption
        }
    }
}
