import Tensor
import Training

/// Shuffled batches of photo indices for the diffusion tasks (`ShuffledBatches` as a trainer's
/// batch source); the position is the resumable state.
public struct PhotoBatches: BatchSource {
    public var batches: ShuffledBatches

    public init(count: Int, batchSize: Int, seed: UInt64) {
        batches = ShuffledBatches(count: count, batchSize: min(batchSize, count), seed: seed)
    }

    public var batchesPerEpoch: Int { batches.batchesPerEpoch }

    public var position: ShuffledBatches.Position {
        get { batches.position }
        set { batches.position = newValue }
    }

    public mutating func nextBatch() -> [Int] { batches.next() }
}
