import Foundation

/// A request to stop training at the next step boundary with a checkpoint: set by SIGINT or
/// SIGTERM (`watchingSignals()`) or by `request()`, read by `Trainer.train` after every step.
///
/// Signals are received through `DispatchSource` (the process-wide action is set to ignore them
/// and the source's handler runs on a queue, not in signal context), so the handler only records
/// the request: nothing is written from a signal handler. After the first signal the default
/// action is restored, so a second Ctrl-C ends the process at once (checkpoints are written
/// atomically, so even then no half-written checkpoint is left in place).
public final class TrainingInterruption: @unchecked Sendable {
    private let lock = NSLock()
    private var requestedSignal: Int32?
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    /// The signal (or 0 for `request()`) that asked training to stop, if any.
    public var signal: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return requestedSignal
    }

    /// Whether a stop was requested.
    public var isRequested: Bool { signal != nil }

    /// Asks training to stop at the next step boundary (`signal` 0: not from a signal).
    public func request(signal: Int32 = 0) {
        lock.lock()
        if requestedSignal == nil { requestedSignal = signal }
        lock.unlock()
    }

    /// An interruption that SIGINT and SIGTERM request. Keep it alive for the run.
    public static func watchingSignals(_ signals: [Int32] = [SIGINT, SIGTERM]) -> TrainingInterruption {
        let interruption = TrainingInterruption()
        for number in signals {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak interruption] in
                interruption?.request(signal: number)
                // A second signal takes its default action (ends the process).
                for other in signals { Foundation.signal(other, SIG_DFL) }
            }
            source.resume()
            interruption.sources.append(source)
        }
        return interruption
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
