import Tensor

/// Seeded epoch-wise shuffling and batching of `count` examples.
///
/// Epoch e visits the examples in a Fisher–Yates permutation drawn from a generator seeded with
/// (seed, e), so the order depends only on the seed and the epoch: the position (epoch, batch) is
/// the whole resumable state, and a run resumed from a checkpoint sees exactly the batches the
/// uninterrupted run would have seen.
public struct ShuffledBatches: Sendable {
    /// Where the next batch starts.
    public struct Position: Codable, Sendable, Equatable {
        public var epoch: Int
        public var batch: Int
        public init(epoch: Int = 0, batch: Int = 0) {
            self.epoch = epoch
            self.batch = batch
        }
    }

    public let count: Int
    public let batchSize: Int
    public let seed: UInt64
    /// Whether the last, smaller batch of an epoch is skipped (the default: InfoNCE and
    /// batch-statistics layers want full batches).
    public let dropsLast: Bool
    /// Whether examples are shuffled (false keeps data order, for evaluation).
    public let shuffles: Bool
    public var position: Position {
        didSet { if position.epoch != cachedEpoch { cachedOrder = [] } }
    }
    private var cachedOrder: [Int] = []
    private var cachedEpoch = -1

    public init(count: Int, batchSize: Int, seed: UInt64, dropsLast: Bool = true, shuffles: Bool = true) {
        precondition(count > 0 && batchSize > 0, "need examples and a positive batch size")
        precondition(!dropsLast || batchSize <= count, "batch size \(batchSize) exceeds the \(count) examples")
        self.count = count
        self.batchSize = batchSize
        self.seed = seed
        self.dropsLast = dropsLast
        self.shuffles = shuffles
        position = Position()
    }

    /// Batches in one epoch.
    public var batchesPerEpoch: Int { dropsLast ? count / batchSize : (count + batchSize - 1) / batchSize }

    /// The example order of `epoch`.
    public func order(epoch: Int) -> [Int] {
        var order = Array(0..<count)
        guard shuffles else { return order }
        var generator = SeededGenerator(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15))
        for index in stride(from: count - 1, to: 0, by: -1) {
            let other = Int(generator.next() % UInt64(index + 1))
            order.swapAt(index, other)
        }
        return order
    }

    /// The example indices of the next batch; moves to the next epoch after its last batch.
    public mutating func next() -> [Int] {
        if cachedEpoch != position.epoch || cachedOrder.isEmpty {
            cachedOrder = order(epoch: position.epoch)
            cachedEpoch = position.epoch
        }
        let start = position.batch * batchSize
        let batch = Array(cachedOrder[start..<Swift.min(start + batchSize, count)])
        position.batch += 1
        if position.batch >= batchesPerEpoch { position = Position(epoch: position.epoch + 1, batch: 0) }
        return batch
    }
}
