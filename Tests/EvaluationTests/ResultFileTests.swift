import Evaluation
import Foundation
import Testing

@Suite struct ResultFileTests {
    let results = [
        RankedResults(queryID: "1001", entries: (1...7).map { .init(resultID: "img_\($0).jpg", score: 1 / Float($0)) }),
        RankedResults(queryID: "q,2", entries: [.init(resultID: "say \"cheese\"", score: -0.25)]),
    ]

    @Test func writesTheTopFivePerQueryInTheDocumentedFormat() throws {
        #expect(ResultFile.render(results) == """
            query_id,rank,result_id,score
            1001,1,img_1.jpg,1.000000
            1001,2,img_2.jpg,0.500000
            1001,3,img_3.jpg,0.333333
            1001,4,img_4.jpg,0.250000
            1001,5,img_5.jpg,0.200000
            "q,2",1,"say ""cheese\"\"",-0.250000

            """)
        #expect(ResultFile.render(results, depth: 1).split(separator: "\n").count == 3)
    }

    @Test func readsBackWhatItWrote() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try ResultFile.write(results, to: url)
        let read = try ResultFile.read(from: url)
        #expect(read.map(\.queryID) == ["1001", "q,2"])
        #expect(read[0].entries.map(\.resultID) == (1...5).map { "img_\($0).jpg" })
        #expect(read[1].entries == [.init(resultID: "say \"cheese\"", score: -0.25)])

        try Data("query,rank\n".utf8).write(to: url)
        #expect(throws: EvaluationError.self) { try ResultFile.read(from: url) }
        try Data("query_id,rank,result_id,score\nq,2,a,0.5\n".utf8).write(to: url)
        #expect(throws: EvaluationError.malformedResultFile(path: url.path, line: 2, reason: "rank 2 of query q is out of order")) {
            try ResultFile.read(from: url)
        }
    }
}
