/// A bounded min-heap keeping the k best (score, index) pairs seen so far: partial top-k
/// selection in O(n log k) with one comparison for most candidates, instead of a full sort.
///
/// Order: a higher score is better; equal scores prefer the lower index, so results match a
/// stable descending sort. The root is the worst kept pair, the threshold a candidate must beat.
/// The heap works in caller-owned memory (one region per query in a shared buffer).
struct NeighborHeap {
    let scores: UnsafeMutablePointer<Float>
    let indices: UnsafeMutablePointer<Int>
    let capacity: Int
    private(set) var count = 0

    init(scores: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int>, capacity: Int) {
        self.scores = scores
        self.indices = indices
        self.capacity = capacity
    }

    /// True when pair a is worse than pair b.
    @inline(__always)
    private func isWorse(_ scoreA: Float, _ indexA: Int, than scoreB: Float, _ indexB: Int) -> Bool {
        scoreA < scoreB || (scoreA == scoreB && indexA > indexB)
    }

    /// Offers scores for rows `firstIndex..<firstIndex + count`, in increasing index order, skipping `excluded`.
    @inline(__always)
    mutating func offer(_ candidates: UnsafePointer<Float>, count candidateCount: Int, firstIndex: Int, excluded: Int) {
        var position = 0
        while count < capacity && position < candidateCount {
            if firstIndex + position != excluded { push(candidates[position], firstIndex + position) }
            position += 1
        }
        // Indices only grow, so a candidate equal to the root's score is never better.
        var threshold = count == capacity ? scores[0] : -Float.infinity
        while position < candidateCount {
            let score = candidates[position]
            if score > threshold && firstIndex + position != excluded {
                replaceRoot(score, firstIndex + position)
                threshold = scores[0]
            }
            position += 1
        }
    }

    private mutating func push(_ score: Float, _ index: Int) {
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard isWorse(score, index, than: scores[parent], indices[parent]) else { break }
            scores[child] = scores[parent]
            indices[child] = indices[parent]
            child = parent
        }
        scores[child] = score
        indices[child] = index
    }

    private mutating func replaceRoot(_ score: Float, _ index: Int) {
        var parent = 0
        while true {
            var worst = 2 * parent + 1
            if worst >= count { break }
            let right = worst + 1
            if right < count && isWorse(scores[right], indices[right], than: scores[worst], indices[worst]) { worst = right }
            guard isWorse(scores[worst], indices[worst], than: score, index) else { break }
            scores[parent] = scores[worst]
            indices[parent] = indices[worst]
            parent = worst
        }
        scores[parent] = score
        indices[parent] = index
    }

    /// Sorts the kept pairs best first in place (k log k) and returns how many there are.
    mutating func sortDescending() -> Int {
        let kept = count
        var pairs = (0..<kept).map { (score: scores[$0], index: indices[$0]) }
        pairs.sort { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }
        for (position, pair) in pairs.enumerated() {
            scores[position] = pair.score
            indices[position] = pair.index
        }
        return kept
    }
}
