import Foundation
import Tensor

extension Preprocessing {
    /// Preprocesses `count` images on up to `threads` threads (all cores by default): image `i`
    /// comes from `image(i)`, which may read and decode a file; each result is the model input
    /// `[3, imageSize, imageSize]` or the error that stopped it (reading, decoding, or a resize
    /// refused by `RGBImage.maximumOutputPixelCount`), in index order.
    public func prepare(count: Int, threads: Int = ThreadPolicy.threadCount,
                        image: (Int) throws -> RGBImage) -> [Result<Tensor, Error>] {
        guard count > 0 else { return [] }
        let results = UnsafeMutableBufferPointer<Result<Tensor, Error>?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let chunks = max(1, min(threads, count))
        withoutActuallyEscaping(image) { image in
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                    results[index] = Result { try self(try image(index)) }
                }
            }
        }
        return results.map { $0! }
    }
}
