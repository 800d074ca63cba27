import Models
import Testing

@Suite struct LengthBatchingTests {
    @Test func batchesCoverEveryTextOnceLongestFirst() {
        let counts = [12, 30, 7, 12, 13, 9, 30, 8, 11, 12]
        let plan = LengthBatching.plan(tokenCounts: counts, maximumRows: 4)
        #expect(plan.flatMap { $0 }.sorted() == Array(counts.indices))
        #expect(plan.allSatisfy { $0.count <= 4 && !$0.isEmpty })
        let sortedCounts = plan.flatMap { $0 }.map { counts[$0] }
        #expect(sortedCounts == counts.sorted(by: >))
        // Ties keep input order.
        #expect(plan.flatMap { $0 }.filter { counts[$0] == 12 } == [0, 3, 9])
    }

    @Test func anOutlierGetsItsOwnBatch() {
        let counts = [256] + Array(repeating: 10, count: 40)
        let plan = LengthBatching.plan(tokenCounts: counts, maximumRows: 64)
        #expect(plan.map(\.count) == [1, 40])
    }

    @Test func overheadTradesPaddingForFewerPasses() {
        let counts = [20, 19, 18, 17, 16, 15, 14, 13]
        #expect(LengthBatching.plan(tokenCounts: counts, maximumRows: 64, overheadTokens: 0).count == 8)
        #expect(LengthBatching.plan(tokenCounts: counts, maximumRows: 64, overheadTokens: 1_000).count == 1)
        #expect(LengthBatching.plan(tokenCounts: [], maximumRows: 8).isEmpty)
    }
}
