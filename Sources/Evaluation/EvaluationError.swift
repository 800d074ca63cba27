/// Why an evaluation could not run. Each message says what to do about it.
public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A matrix is not `[rows, dimension]`, or the two sides differ in width.
    case shapeMismatch(detail: String)
    /// The ground truth does not have one entry per query.
    case groundTruthCount(queries: Int, entries: Int)
    /// A query has no relevant item, so recall is undefined for it.
    case queryWithoutRelevantItems(query: Int)
    /// A relevant index is outside the database.
    case relevantIndexOutOfRange(query: Int, index: Int, databaseCount: Int)
    /// Scores or embeddings hold NaN or infinity.
    case nonFinite(name: String, row: Int)
    /// K values must be positive.
    case invalidK(Int)
    /// No queries or no database rows.
    case empty(name: String)
    /// A result file line is malformed.
    case malformedResultFile(path: String, line: Int, reason: String)
    /// A LAPACK routine reported failure (`info` ≠ 0).
    case linearAlgebra(routine: String, code: Int)
    /// A statistic needs more samples than it was given.
    case tooFewSamples(name: String, count: Int, needed: Int)

    public var description: String {
        switch self {
        case let .shapeMismatch(detail):
            return "the inputs do not fit: \(detail)"
        case let .groundTruthCount(queries, entries):
            return "the ground truth has \(entries) entries for \(queries) queries; give one list of relevant rows per query"
        case let .queryWithoutRelevantItems(query):
            return "query \(query) has no relevant item, so its recall is undefined; drop such queries or fix the links"
        case let .relevantIndexOutOfRange(query, index, count):
            return "query \(query) lists relevant row \(index), but the database has \(count) rows"
        case let .nonFinite(name, row):
            return "\(name) row \(row) holds NaN or infinite values"
        case let .invalidK(k):
            return "K must be positive, got \(k)"
        case let .empty(name):
            return "\(name) is empty: there is nothing to evaluate"
        case let .malformedResultFile(path, line, reason):
            return "\(path), line \(line): \(reason) (expected query_id,rank,result_id,score)"
        case let .linearAlgebra(routine, code):
            return "LAPACK \(routine) failed with info = \(code) (\(code < 0 ? "argument \(-code) is invalid" : "no convergence"))"
        case let .tooFewSamples(name, count, needed):
            return "\(name) needs at least \(needed) samples, got \(count)"
        }
    }
}
