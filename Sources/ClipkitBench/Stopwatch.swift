import Foundation

/// Repeats a body until a time budget is spent and reports the best (minimum) seconds per call,
/// the usual estimator for noisy shared machines. The process's user and system CPU time per
/// timed call (`getrusage`) and the mean wall time go to standard error, so a run on a shared
/// machine also says how much work each call took.
enum Stopwatch {
    static func bestSeconds(minimumSeconds: Double, warmup: Int = 1, _ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        var best = Double.infinity
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuBefore = processCPUSeconds()
        var runs = 0
        while runs < 3 || Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < minimumSeconds {
            let before = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - before) / 1e9)
            runs += 1
        }
        let cpuAfter = processCPUSeconds()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        FileHandle.standardError.write(Data(String(
            format: "stopwatch: %d runs, best %.4f s, mean %.4f s wall, %.4f s user + %.4f s system CPU per run\n",
            runs, best, wall / Double(runs), (cpuAfter.user - cpuBefore.user) / Double(runs),
            (cpuAfter.system - cpuBefore.system) / Double(runs)).utf8))
        return best
    }

    /// User and system CPU seconds of the whole process so far.
    static func processCPUSeconds() -> (user: Double, system: Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return (seconds(usage.ru_utime), seconds(usage.ru_stime))
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
