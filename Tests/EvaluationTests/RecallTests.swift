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
