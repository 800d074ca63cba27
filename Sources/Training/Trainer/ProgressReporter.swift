import Foundation

/// Progress lines of a training run: step, epoch, loss, learning rate, rate and time left.
struct ProgressReporter {
    let totalSteps: Int
    let quiet: Bool
    let write: (String) -> Void
    private let startTime = Date()
    private let startStep: Int

    init(totalSteps: Int, startStep: Int, quiet: Bool, write: @escaping (String) -> Void) {
        self.totalSteps = totalSteps
        self.startStep = startStep
        self.quiet = quiet
        self.write = write
    }

    /// Steps per second since this process started training.
    func rate(atStep step: Int) -> Double {
        Double(step - startStep) / max(Date().timeIntervalSince(startTime), 1e-9)
    }

    func step(_ step: Int, epoch: Int, loss: Double, learningRate: Float) {
        guard !quiet else { return }
        let rate = rate(atStep: step)
        let remaining = rate > 0 ? Double(totalSteps - step) / rate : .infinity
        write(String(format: "step %d/%d  epoch %d  loss %.5f  lr %.2e  %.2f steps/s  ETA %@",
                     step, totalSteps, epoch, loss, Double(learningRate), rate, Self.duration(remaining)))
    }

    func note(_ line: String) {
        guard !quiet else { return }
        write(line)
    }

    /// `1h02m`, `3m05s`, `42s`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--" }
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%dh%02dm", total / 3600, total % 3600 / 60) }
        if total >= 60 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return "\(total)s"
    }
}
