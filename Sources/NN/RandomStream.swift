import Foundation
import Tensor

/// The random numbers of training-mode layers (dropout masks), drawn from a counter-based
/// generator (`CounterBasedGenerator`, Philox-4×32-10) whose whole state is its seed and the
/// number of draws made. A trainer owns one stream, makes it `current` while it runs a step and
/// stores its state in every checkpoint, so a resumed run draws exactly the masks the
/// uninterrupted run would have drawn. The current stream is task-local (like `GradientMode`):
/// concurrent tasks never share one by accident.
public final class RandomStream: @unchecked Sendable {
    private var generator: CounterBasedGenerator
    private let lock = NSLock()

    public init(seed: UInt64) { generator = CounterBasedGenerator(seed: seed) }

    /// The generator's state (for checkpoints); assigning it restores a saved state.
    public var state: CounterBasedGenerator {
        get { lock.withLock { generator } }
        set { lock.withLock { generator = newValue } }
    }

    /// A 0/1 keep mask with keep probability 1 − `probability` (one draw).
    public func dropoutKeepMask(_ shape: [Int], probability: Float) -> Tensor {
        lock.withLock { Tensor.dropoutKeepMask(shape, probability: probability, generator: &generator) }
    }

    /// The stream that training-mode layers draw from in this task, if any.
    @TaskLocal public static var current: RandomStream?

    /// Runs `body` with `stream` as the current stream.
    public static func using<Result>(_ stream: RandomStream, _ body: () throws -> Result) rethrows -> Result {
        try $current.withValue(stream) { try body() }
    }
}
