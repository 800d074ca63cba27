import Foundation

extension ThreadPolicy {
    /// `body(i)` for every i in 0..<count, on up to `threads` threads (default `threadCount`),
    /// results in index order. With `interleaved`, thread t takes items t, t + threads, t + 2·threads, …
    /// (items of uneven cost, such as captions of any length, spread evenly); otherwise each thread
    /// takes one contiguous chunk. Unlike `parallelFor`, every item is worth a thread of its own
    /// (decoding a file, parsing a sentence), so there is no minimum amount of work.
    public static func map<Value>(count: Int, threads: Int = threadCount, interleaved: Bool = false,
                                  _ body: (Int) -> Value) -> [Value] {
        guard count > 0 else { return [] }
        let results = UnsafeMutableBufferPointer<Value?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            // Release the values before freeing their memory: `deallocate` alone would leak every
            // value the returned array copied (a prepared image tensor, a parsed triple's strings).
            results.deinitialize()
            results.deallocate()
        }
        let workers = max(1, min(threads, count))
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let indices = interleaved
                    ? Array(stride(from: worker, to: count, by: workers))
                    : Array((count * worker / workers)..<(count * (worker + 1) / workers))
                for index in indices { results[index] = body(index) }
            }
        }
        return results.map { $0! }
    }
}
