import Tensor

/// The 0-based position of a query's best-placed relevant item in its ranking by descending
/// score, computed without sorting: with s* the highest relevant score and j* the lowest index
/// holding it, rank = #{j : s_j > s*} + #{j < j* : s_j = s*}. Ties thus rank as a stable
/// descending argsort ranks them (lower index first). The query is a hit at K when rank < K.
/// Each query costs one pass over its scores (no sort, no selection); relevance comes from
/// ground-truth links or match keys (`Relevance`). This is the one ranking behind every recall:
/// retrieval evaluation of a store, and validation during contrastive training.
public enum FirstRelevantRank {
    /// The rank for one row of scores with the relevant indices `relevant`.
    public static func rank(scores: UnsafePointer<Float>, count: Int, relevant: [Int]) -> Int {
        var bestScore = -Float.infinity, bestIndex = Int.max
        for index in relevant {
            let score = scores[index]
            if score > bestScore || (score == bestScore && index < bestIndex) { (bestScore, bestIndex) = (score, index) }
        }
        return rank(scores: scores, count: count, bestScore: bestScore, bestIndex: bestIndex)
    }

    /// #{j : s_j > s*} + #{j < j* : s_j = s*}: one pass, no sort.
    static func rank(scores: UnsafePointer<Float>, count: Int, bestScore: Float, bestIndex: Int) -> Int {
        var rank = 0
        for index in 0..<count {
            let score = scores[index]
            if score > bestScore || (score == bestScore && index < bestIndex) { rank += 1 }
        }
        return rank
    }

    /// Ranks for every row of a full score matrix `[queries, database]`.
    public static func ranks(scores: Tensor, relevant: [[Int]]) throws -> [Int] {
        try ranks(scores: scores, relevance: .links(relevant))
    }

    /// Ranks for every row of a full score matrix `[queries, database]`.
    public static func ranks(scores: Tensor, relevance: Relevance) throws -> [Int] {
        guard scores.rank == 2 else { throw EvaluationError.shapeMismatch(detail: "scores must be [queries, database], got \(scores.shape)") }
        let (queryCount, databaseCount) = (scores.shape[0], scores.shape[1])
        try relevance.validate(queryCount: queryCount, databaseCount: databaseCount)
        try requireFinite(scores.pointer, rows: queryCount, columns: databaseCount, name: "the scores")
        return rowRanks(scores, first: 0, relevance: relevance)
    }

    /// The ranks of the rows of `scores` `[rows, database]`, rows being queries `first...`.
    static func rowRanks(_ scores: Tensor, first: Int, relevance: Relevance) -> [Int] {
        let (rows, databaseCount) = (scores.shape[0], scores.shape[1])
        var ranks = [Int](repeating: 0, count: rows)
        ranks.withUnsafeMutableBufferPointer { output in
            let target = output.baseAddress!
            ThreadPolicy.parallelFor(rows, workPerItem: databaseCount) { range in
                for row in range {
                    target[row] = relevance.rank(scores: scores.pointer + row * databaseCount, count: databaseCount, query: first + row)
                }
            }
        }
        return ranks
    }

    /// Ranks for `queries` `[Q, D]` against `database` `[N, D]` by inner product, scoring at most
    /// `scoreBudget` floats at a time (a chunk of queries against the whole database), so the
    /// full `[Q, N]` matrix never exists.
    public static func ranks(queries: Tensor, database: Tensor, relevant: [[Int]], scoreBudget: Int = 16 * 1024 * 1024) throws -> [Int] {
        try ranks(queries: queries, database: database, relevance: .links(relevant), scoreBudget: scoreBudget)
    }

    /// Ranks for `queries` `[Q, D]` against `database` `[N, D]` by inner product, in chunks of at
    /// most `scoreBudget` scores.
    public static func ranks(queries: Tensor, database: Tensor, relevance: Relevance, scoreBudget: Int = 16 * 1024 * 1024) throws -> [Int] {
        guard queries.rank == 2, database.rank == 2, queries.shape[1] == database.shape[1], queries.shape[1] > 0 else {
            throw EvaluationError.shapeMismatch(detail: "queries \(queries.shape) and database \(database.shape) must be [rows, D] with the same D > 0")
        }
        let (queryCount, databaseCount, dimension) = (queries.shape[0], database.shape[0], queries.shape[1])
        guard databaseCount > 0 else { throw EvaluationError.empty(name: "the database") }
        try relevance.validate(queryCount: queryCount, databaseCount: databaseCount)
        try requireFinite(queries.pointer, rows: queryCount, columns: dimension, name: "the queries")
        try requireFinite(database.pointer, rows: databaseCount, columns: dimension, name: "the database")
        let chunk = max(1, min(queryCount, scoreBudget / databaseCount))
        var ranks: [Int] = []
        ranks.reserveCapacity(queryCount)
        for start in stride(from: 0, to: queryCount, by: chunk) {
            let end = min(start + chunk, queryCount)
            let scores = Tensor.matmul(queries.slice(start..<end), database, transposeB: true)  // [chunk, N]
            ranks += rowRanks(scores, first: start, relevance: relevance)
        }
        return ranks
    }

    static func requireFinite(_ pointer: UnsafePointer<Float>, rows: Int, columns: Int, name: String) throws {
        for row in 0..<rows {
            let start = pointer + row * columns
            var accumulator: Float = 0
            for column in 0..<columns { accumulator += start[column] - start[column] }
            if accumulator != 0 || accumulator.isNaN { throw EvaluationError.nonFinite(name: name, row: row) }
        }
    }
}
