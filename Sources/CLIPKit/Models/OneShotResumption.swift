import Foundation

/// A continuation resumed exactly once by whichever comes first: the work's result or the
/// caller's cancellation. A cancellation that arrives before the continuation is installed is
/// kept, and the continuation is resumed with it as soon as it is installed.
final class OneShotResumption<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Value, any Error>?
    private var early: Result<Value, any Error>?
    private var finished = false

    /// Whether the continuation has been resumed (or a result is waiting for it).
    var isFinished: Bool {
        lock.lock()
        defer { lock.unlock() }
        return finished
    }

    /// Installs the continuation; false when it was resumed at once with an earlier result.
    func install(_ continuation: CheckedContinuation<Value, any Error>) -> Bool {
        lock.lock()
        if let early {
            lock.unlock()
            continuation.resume(with: early)
            return false
        }
        self.continuation = continuation
        lock.unlock()
        return true
    }

    /// Resumes the continuation with `result` unless it was resumed before.
    func resume(with result: Result<Value, any Error>) {
        lock.lock()
        guard !finished else {
            lock.unlock()
            return
        }
        finished = true
        guard let continuation else {
            early = result
            lock.unlock()
            return
        }
        self.continuation = nil
        lock.unlock()
        continuation.resume(with: result)
    }
}
