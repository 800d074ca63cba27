/// Mean, population standard deviation and range of per-pair distances (LPIPS between paired
/// images, or between every pair of one set: the set's diversity).
public struct DistanceSummary: Sendable, Equatable, Codable {
    public let count: Int
    public let mean: Double
    public let standardDeviation: Double
    public let minimum: Double
    public let maximum: Double

    public init(_ distances: [Double]) throws {
        guard !distances.isEmpty else { throw EvaluationError.empty(name: "the list of distances") }
        if let row = distances.firstIndex(where: { !$0.isFinite }) { throw EvaluationError.nonFinite(name: "distances", row: row) }
        count = distances.count
        mean = distances.reduce(0, +) / Double(count)
        let mean = self.mean
        standardDeviation = (distances.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count)).squareRoot()
        minimum = distances.min()!
        maximum = distances.max()!
    }
}
