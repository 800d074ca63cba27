import Foundation
import Retrieval

/// A one-line progress display on standard error: bar, count or bytes, rate and ETA. Redraws at
/// most ten times a second on a terminal; when standard error is not a terminal (CI, logs) it
/// prints a plain line every few seconds instead.
final class ProgressBar {
    private let label: String
    private let total: Int?
    private let unit: Unit
    private let start: Date
    private var lastDraw = Date.distantPast
    private let isTerminal = isatty(STDERR_FILENO) != 0

    enum Unit { case items, bytes }

    /// `start`: when the work began (for the rate and ETA), if before the bar is created.
    init(label: String, total: Int?, unit: Unit = .items, start: Date = Date()) {
        self.label = label
        self.total = total
        self.unit = unit
        self.start = start
    }

    func update(_ done: Int, force: Bool = false) {
        let now = Date()
        let interval = isTerminal ? 0.1 : 5
        guard force || now.timeIntervalSince(lastDraw) >= interval else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 1e-6)
        let rate = Double(done) / elapsed
        var line = label
        if let total, total > 0 {
            let fraction = min(Double(done) / Double(total), 1)
            let filled = Int(fraction * 24)
            line += " [" + String(repeating: "#", count: filled) + String(repeating: "-", count: 24 - filled) + "]"
            line += " \(format(done))/\(format(total))"
            if rate > 0 && done < total && elapsed >= 0.5 { line += " ETA \(formatDuration(Double(total - done) / rate))" }
        } else {
            line += " \(format(done))"
        }
        // A rate over the first instants is noise (a cached first batch reads as millions per second).
        if elapsed >= 0.5 {
            line += " " + (unit == .items && rate < 10 ? String(format: "%.1f", rate) : format(Int(rate))) + "/s"
        }
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    /// A `(done, total)` callback that draws a bar labelled `label` from its first call on and
    /// finishes it when `done` reaches `total`.
    static func callback(label: String) -> (Int, Int) -> Void {
        var bar: ProgressBar?
        return { done, total in
            let current = bar ?? ProgressBar(label: label, total: total)
            bar = current
            if done >= total { current.finish(done) } else { current.update(done) }
        }
    }

    func finish(_ done: Int) {
        update(done, force: true)
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func format(_ value: Int) -> String {
        guard unit == .bytes else { return "\(value)" }
        let units = ["B", "KB", "MB", "GB", "TB"]
        var amount = Double(value), index = 0
        while amount >= 1000 && index < units.count - 1 { amount /= 1000; index += 1 }
        return index == 0 ? "\(value) B" : String(format: "%.1f %@", amount, units[index])
    }

    private func formatDuration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600 ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
            : String(format: "%d:%02d", whole / 60, whole % 60)
    }
}

/// Prints a line to standard error (progress and notes, keeping standard output for results),
/// after what standard output holds so far, so the two stay in order on a terminal.
func note(_ text: String) {
    fflush(stdout)
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// One progress bar per indexing phase (images, then captions), fed by the indexer's reports.
final class IndexingProgressBars {
    private var bars: [IndexingProgress.Phase: ProgressBar] = [:]

    func show(_ progress: IndexingProgress) {
        let bar = bars[progress.phase] ?? ProgressBar(
            label: progress.phase == .images ? "embedding images" : "embedding captions", total: progress.total,
            start: Date(timeIntervalSinceNow: -Double(progress.completed) / max(progress.itemsPerSecond, 1e-9)))
        bars[progress.phase] = bar
        if progress.completed >= progress.total { bar.finish(progress.completed) } else { bar.update(progress.completed) }
    }
}
