/// Splits texts into batches so that little work goes into padding.
///
/// Texts are sorted by token count, longest first; a batch is a run of consecutive texts padded
/// to its first (longest) one. The split minimises
///
///     Σ_batches (rows · longest + overheadTokens)
///
/// by dynamic programming over the sorted counts, with at most `maximumRows` rows per batch:
/// padded tokens are what the encoder computes on, and `overheadTokens` prices each extra forward
/// pass, so runs of similar length share a batch and a long outlier gets one of its own.
public enum LengthBatching {
    /// Batches of indices into `tokenCounts`, longest texts first.
    public static func plan(tokenCounts: [Int], maximumRows: Int, overheadTokens: Int = 64) -> [[Int]] {
        precondition(maximumRows > 0, "a batch needs at least one row")
        let order = tokenCounts.indices.sorted { (tokenCounts[$0], $1) > (tokenCounts[$1], $0) }
        let count = order.count
        // cost[j]: least cost of the first j sorted texts; start[j]: where the last batch begins.
        var cost = [Int](repeating: .max, count: count + 1), start = [Int](repeating: 0, count: count + 1)
        cost[0] = 0
        for end in stride(from: 1, through: count, by: 1) {
            for begin in max(0, end - maximumRows)..<end {
                let total = cost[begin] + (end - begin) * tokenCounts[order[begin]] + overheadTokens
                if total < cost[end] { (cost[end], start[end]) = (total, begin) }
            }
        }
        var batches: [[Int]] = []
        var end = count
        while end > 0 {
            batches.append(Array(order[start[end]..<end]))
            end = start[end]
        }
        return batches.reversed()
    }
}
