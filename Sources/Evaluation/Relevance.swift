/// Which database rows count as relevant to each query of a retrieval evaluation.
public enum Relevance: Sendable, Equatable {
    /// Ground-truth links: for each query, its relevant database rows (a caption's images, an
    /// image's captions).
    case links([[Int]])
    /// Match keys: database row j is relevant to query i when `database[j] == queries[i]`, as in
    /// paired training data where a caption repeated for several images is correct for each.
    case matchingKeys(queries: [Int], database: [Int])

    /// Match keys given as strings (equal strings match).
    public static func matching(queries: [String], database: [String]) -> Relevance {
        var codes: [String: Int] = [:]
        func code(_ key: String) -> Int {
            if let existing = codes[key] { return existing }
            codes[key] = codes.count
            return codes.count - 1
        }
        return .matchingKeys(queries: queries.map(code), database: database.map(code))
    }

    /// Throws unless every query has a relevant row inside `0..<databaseCount`.
    func validate(queryCount: Int, databaseCount: Int) throws {
        guard queryCount > 0 else { throw EvaluationError.empty(name: "the queries") }
        switch self {
        case let .links(relevant):
            guard relevant.count == queryCount else { throw EvaluationError.groundTruthCount(queries: queryCount, entries: relevant.count) }
            for (query, indices) in relevant.enumerated() {
                guard !indices.isEmpty else { throw EvaluationError.queryWithoutRelevantItems(query: query) }
                if let bad = indices.first(where: { $0 < 0 || $0 >= databaseCount }) {
                    throw EvaluationError.relevantIndexOutOfRange(query: query, index: bad, databaseCount: databaseCount)
                }
            }
        case let .matchingKeys(queries, database):
            guard queries.count == queryCount else { throw EvaluationError.groundTruthCount(queries: queryCount, entries: queries.count) }
            guard database.count == databaseCount else {
                throw EvaluationError.shapeMismatch(detail: "\(database.count) database keys for \(databaseCount) database rows")
            }
            let present = Set(database)
            if let query = queries.firstIndex(where: { !present.contains($0) }) {
                throw EvaluationError.queryWithoutRelevantItems(query: query)
            }
        }
    }

    /// The 0-based rank of query `query`'s best-placed relevant row in `scores` (one row of
    /// `count` database scores), as `FirstRelevantRank` defines it.
    func rank(scores: UnsafePointer<Float>, count: Int, query: Int) -> Int {
        switch self {
        case let .links(relevant):
            return FirstRelevantRank.rank(scores: scores, count: count, relevant: relevant[query])
        case let .matchingKeys(queries, database):
            let key = queries[query]
            var bestScore = -Float.infinity, bestIndex = Int.max
            for index in 0..<count where database[index] == key && (scores[index] > bestScore || bestIndex == Int.max) {
                (bestScore, bestIndex) = (scores[index], index)
            }
            return FirstRelevantRank.rank(scores: scores, count: count, bestScore: bestScore, bestIndex: bestIndex)
        }
    }
}
