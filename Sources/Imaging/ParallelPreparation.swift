import Foundation
import Tensor

/// Work on `count` independent items spread over up to `threads` threads (all cores by default),
/// results in index order: decoding and preparing a batch of image files.
public enum ParallelPreparation {
    /// `body(i)` for every i in 0..<count, or the error that stopped it, in index order.
    public static func results<Value>(count: Int, threads: Int = ThreadPolicy.threadCount,
                                      _ body: (Int) throws -> Value) -> [Result<Value, Error>] {
        guard count > 0 else { return [] }
        let results = UnsafeMutableBufferPointer<Result<Value, Error>?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            // Release the results before freeing their memory: `deallocate` alone would leak
            // every value (each prepared image tensor) that the returned array copied.
            results.deinitialize()
            results.deallocate()
        }
        let chunks = max(1, min(threads, count))
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                    results[index] = Result { try body(index) }
                }
            }
        }
        return results.map { $0! }
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
