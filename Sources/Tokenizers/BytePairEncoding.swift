/// Byte-pair encoding of one pre-tokenized word (Sennrich et al. 2016, "Neural Machine
/// Translation of Rare Words with Subword Units"), in the form of OpenAI CLIP's `bpe()`:
///
/// 1. The word's UTF-8 bytes are the initial symbols; the last one carries the end-of-word
///    marker `</w>` (its own set of 256 symbols).
/// 2. Repeatedly take the adjacent pair with the lowest merge rank anywhere in the word and
///    merge all its non-overlapping occurrences from left to right; stop when no adjacent pair
///    is in the merges list or one symbol is left.
///
/// Symbols are vocabulary ids: a pair `(left, right)` of rank `r` merges into `mergedSymbol[r]`.
/// Short words use that loop literally. Long words use a priority queue of (rank, position)
/// with lazy invalidation, O(n log n): it gives the same result whenever every merge's
/// inputs are produced only by lower-ranked merges (checked at load time, and true for CLIP's
/// list), because then no pair created while merging rank r can rank below r.
struct BytePairEncoding: Sendable {
    /// Vocabulary id of each byte as an inner symbol; add `endOfWordOffset` for the final symbol.
    let byteSymbol: [Int32]
    let endOfWordOffset: Int32
    /// `left << 32 | right` → merge rank.
    let pairRanks: [UInt64: Int32]
    /// Vocabulary id of the symbol each merge rank produces.
    let mergedSymbol: [Int32]
    /// Whether the priority-queue path is exact for this merges list (see the type summary).
    let allowsQueueMerging: Bool

    /// Words with more initial symbols than this use the priority queue.
    static let queueThreshold = 48

    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// The vocabulary ids of a word given as UTF-8 bytes (at least one byte).
    func encode<Bytes: Collection>(_ bytes: Bytes) -> [Int32] where Bytes.Element == UInt8 {
        var symbols = bytes.map { byteSymbol[Int($0)] }
        symbols[symbols.count - 1] += endOfWordOffset
        if symbols.count > Self.queueThreshold && allowsQueueMerging {
            return mergeWithQueue(symbols)
        }
        return mergeByPasses(symbols)
    }

    /// The reference algorithm: one pass per merge rank applied.
    func mergeByPasses(_ initial: [Int32]) -> [Int32] {
        var symbols = initial
        var scratch: [Int32] = []
        scratch.reserveCapacity(symbols.count)
        while symbols.count > 1 {
            var bestRank = Int32.max
            for index in 0..<(symbols.count - 1) {
                if let rank = pairRanks[Self.key(symbols[index], symbols[index + 1])], rank < bestRank { bestRank = rank }
            }
            if bestRank == Int32.max { break }
            let key = pairKey(ofRank: bestRank, in: symbols)
            let left = Int32(truncatingIfNeeded: key >> 32), right = Int32(truncatingIfNeeded: key)
            scratch.removeAll(keepingCapacity: true)
            var index = 0
            while index < symbols.count {
                if index + 1 < symbols.count && symbols[index] == left && symbols[index + 1] == right {
                    scratch.append(mergedSymbol[Int(bestRank)])
                    index += 2
                } else {
                    scratch.append(symbols[index])
                    index += 1
                }
            }
            swap(&symbols, &scratch)
        }
        return symbols
    }

    private func pairKey(ofRank rank: Int32, in symbols: [Int32]) -> UInt64 {
        for index in 0..<(symbols.count - 1) {
            let key = Self.key(symbols[index], symbols[index + 1])
            if pairRanks[key] == rank { return key }
        }
        preconditionFailure("rank \(rank) was found in this word a moment ago")
    }

    /// The same merges through a min-heap of `rank << 32 | position` over a linked list of symbols.
    func mergeWithQueue(_ initial: [Int32]) -> [Int32] {
        var symbols = initial
        let count = symbols.count
        var next = Array(1...count)          // count means "none"
        var previous = Array(-1..<(count - 1))
        var alive = [Bool](repeating: true, count: count)
        var heap = MinimumHeap()
        for index in 0..<(count - 1) {
            if let rank = pairRanks[Self.key(symbols[index], symbols[index + 1])] {
                heap.push(UInt64(rank) << 32 | UInt64(index))
            }
        }
        while let entry = heap.pop() {
            let rank = Int32(entry >> 32), position = Int(entry & 0xFFFF_FFFF)
            guard alive[position] else { continue }
            let right = next[position]
            guard right < count, pairRanks[Self.key(symbols[position], symbols[right])] == rank else { continue }
            // Merge the right symbol into the left one.
            symbols[position] = mergedSymbol[Int(rank)]
            alive[right] = false
            next[position] = next[right]
            if next[right] < count { previous[next[right]] = position }
            // Queue the pairs the merged symbol now forms with its neighbours.
            let before = previous[position]
            if before >= 0, let newRank = pairRanks[Self.key(symbols[before], symbols[position])] {
                heap.push(UInt64(newRank) << 32 | UInt64(before))
            }
            let after = next[position]
            if after < count, let newRank = pairRanks[Self.key(symbols[position], symbols[after])] {
                heap.push(UInt64(newRank) << 32 | UInt64(position))
            }
        }
        var result: [Int32] = []
        var index = 0
        while index < count {
            result.append(symbols[index])
            index = next[index]
        }
        return result
    }
}

/// A binary min-heap of 64-bit keys.
struct MinimumHeap {
    private var storage: [UInt64] = []

    mutating func push(_ value: UInt64) {
        storage.append(value)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if storage[parent] <= storage[child] { break }
            storage.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let top = storage.first else { return nil }
        let last = storage.removeLast()
        if !storage.isEmpty {
            storage[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < storage.count && storage[left] < storage[smallest] { smallest = left }
                if right < storage.count && storage[right] < storage[smallest] { smallest = right }
                if smallest == parent { break }
                storage.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
