import Foundation
import Tensor

/// Whether a diagonal configuration is composed from its axes in a model's feature space: for a
/// diagonal `configuration` c (front-left) and its opposite c̄ (behind-right), the mean features
/// of the held-out scenes of each configuration (true captions for text, images for image) give
/// the direction d(c) = mean(c) − mean(c̄), which the paired judgement of c's scenes reads. It is
/// compared with the axes' directions, d(front) = mean(front) − mean(behind) and d(left) =
/// mean(left) − mean(right), with their sum (what an additive composition of "front" and "left"
/// would give) and with the other diagonal's d(front-right) = mean(front-right) −
/// mean(behind-left). A diagonal kept out of training whose d(c) follows the axes' sum is composed;
/// one that follows the other diagonal (or nothing) is not. A diagnostic: no training reads it.
public struct ConfigurationDirections: Codable, Sendable, Equatable {
    /// cos(mean(c), mean(c̄)): how close the two opposite configurations are.
    public var oppositeCosine: Double
    /// cos(d(c), d(first axis) + d(second axis)).
    public var axesSumCosine: Double
    /// cos(d(c), d(first axis)), cos(d(c), d(second axis)).
    public var firstAxisCosine: Double
    public var secondAxisCosine: Double
    /// cos(d(c), d(the other diagonal that shares c's first axis)).
    public var otherDiagonalCosine: Double

    enum CodingKeys: String, CodingKey {
        case oppositeCosine = "opposite_cosine", axesSumCosine = "axes_sum_cosine", firstAxisCosine = "first_axis_cosine"
        case secondAxisCosine = "second_axis_cosine", otherDiagonalCosine = "other_diagonal_cosine"
    }

    /// The directions of `configuration` in `rows` (one feature row per example, `[n, width]`,
    /// optionally only `columns`) grouped by `groups` (configuration names); nil when a
    /// configuration involved has no example or `configuration` is not diagonal.
    public static func measure(_ configuration: SpatialConfiguration, rows: Tensor, groups: [String?], columns: Range<Int>? = nil)
        -> ConfigurationDirections? {
        let axes = configuration.axes
        guard axes.count == 2,
              let other = SpatialConfiguration.allCases.first(where: { $0.axes.count == 2 && $0 != configuration && $0.axes[0] == axes[0] })
        else { return nil }
        let width = rows.shape[1], scalars = rows.scalars
        let used = columns ?? 0..<width
        func mean(_ item: SpatialConfiguration) -> [Double]? {
            let members = groups.indices.filter { groups[$0] == item.rawValue }
            guard !members.isEmpty else { return nil }
            var sum = [Double](repeating: 0, count: used.count)
            for row in members { for (k, column) in used.enumerated() { sum[k] += Double(scalars[row * width + column]) } }
            return sum.map { $0 / Double(members.count) }
        }
        func direction(_ item: SpatialConfiguration) -> [Double]? {
            guard let a = mean(item), let b = mean(item.opposite) else { return nil }
            return zip(a, b).map { $0 - $1 }
        }
        func cosine(_ a: [Double], _ b: [Double]) -> Double {
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            let norms = (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
            return norms > 0 ? dot / norms : 0
        }
        guard let own = mean(configuration), let opposite = mean(configuration.opposite), let d = direction(configuration),
              let first = direction(axes[0]), let second = direction(axes[1]), let diagonal = direction(other) else { return nil }
        return ConfigurationDirections(oppositeCosine: cosine(own, opposite), axesSumCosine: cosine(d, zip(first, second).map { $0 + $1 }),
                                       firstAxisCosine: cosine(d, first), secondAxisCosine: cosine(d, second),
                                       otherDiagonalCosine: cosine(d, diagonal))
    }

    /// "opposite 0.91, axes' sum 0.80 (front 0.55, left 0.62), other diagonal 0.10".
    public func describe(axes: [SpatialConfiguration]) -> String {
        String(format: "cos to the opposite %.3f; direction vs the axes' sum %.3f (%@ %.3f, %@ %.3f), vs the other diagonal %.3f",
               oppositeCosine, axesSumCosine, axes[0].rawValue, firstAxisCosine, axes[1].rawValue, secondAxisCosine, otherDiagonalCosine)
    }
}
