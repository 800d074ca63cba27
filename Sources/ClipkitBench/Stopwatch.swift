import Foundation

/// Repeats a body until a time budget is spent and reports the best (minimum) seconds per call,
/// the usual estimator for noisy shared machines.
enum Stopwatch {
    static func bestSeconds(minimumSeconds: Double, warmup: Int = 1, _ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        var best = Double.infinity
        let start = DispatchTime.now().uptimeNanoseconds
        var runs = 0
        while runs < 3 || Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < minimumSeconds {
            let before = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - before) / 1e9)
            runs += 1
        }
        return best
    }
}

/// Keeps the optimiser from discarding a computed value.
@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }
