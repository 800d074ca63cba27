import Foundation
import Tensor

/// Work on `count` independent items spread over up to `threads` threads (all cores by default),
/// results in index order: decoding and preparing a batch of image files.
public enum ParallelPreparation {
    /// `body(i)` for every i in 0..<count, or the error that stopped it, in index order.
    public static func results<Value>(count: Int, threads: Int = ThreadPolicy.threadCount,
                                      _ body: (Int) throws -> Value) -> [Result<Value, Error>] {
        ThreadPolicy.map(count: count, threads: threads) { index in Result { try body(index) } }
    }
}

extension Preprocessing {
    /// Preprocesses `count` images on up to `threads` threads (all cores by default): image `i`
    /// comes from `image(i)`, which may read and decode a file; each result is the model input
    /// `[3, imageSize, imageSize]` or the error that stopped it (reading, decoding, or a resize
    /// refused by `RGBImage.maximumOutputPixelCount`), in index order.
    public func prepare(count: Int, threads: Int = ThreadPolicy.threadCount,
                        image: (Int) throws -> RGBImage) -> [Result<Tensor, Error>] {
        ParallelPreparation.results(count: count, threads: threads) { try self(try image($0)) }
    }
}
