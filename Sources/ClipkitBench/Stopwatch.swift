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

extension Stopwatch {
    /// Best seconds per call of each body, timed in alternation (a, b, a, b, …) so that both see
    /// the same machine load; at least three rounds and `minimumSeconds` in total.
    static func bestSecondsInterleaved(minimumSeconds: Double, _ bodies: [() -> Void]) -> [Double] {
        bodies.forEach { $0() }
        var best = [Double](repeating: .infinity, count: bodies.count)
        let start = DispatchTime.now().uptimeNanoseconds
        var rounds = 0
        while rounds < 3 || Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < minimumSeconds {
            for (position, body) in bodies.enumerated() {
                let before = DispatchTime.now().uptimeNanoseconds
                body()
                best[position] = min(best[position], Double(DispatchTime.now().uptimeNanoseconds - before) / 1e9)
            }
            rounds += 1
        }
        return best
    }

    /// The 1-, 5- and 15-minute load averages (`/proc/loadavg`), to print beside a measurement.
    static var loadAverage: String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
