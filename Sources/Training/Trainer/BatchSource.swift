/// Where a `Trainer` takes its batches from. The position (data order, random state) is plain
/// Codable data stored in every training checkpoint, so a resumed run draws exactly the batches the
/// uninterrupted run would have drawn.
public protocol BatchSource {
    associatedtype Batch
    associatedtype Position: Codable

    /// Optimiser steps that make one epoch (validation runs after each epoch).
    var batchesPerEpoch: Int { get }
    /// The resumable position.
    var position: Position { get set }
    /// The next batch; advances the position. Throws when an example cannot be read (an
    /// unreadable or unusable image file), which stops the run with its name.
    mutating func nextBatch() throws -> Batch
}
