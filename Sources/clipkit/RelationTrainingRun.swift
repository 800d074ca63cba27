import CLIPKit
import Foundation
import Training

extension TrainCommand {
    /// Task `sa_clip` through the facade's `RelationTrainingRun`.
    func runRelationAware(_ configuration: TrainingConfiguration, output: URL, interruption: TrainingInterruption) throws {
        var bars: [String: ProgressBar] = [:]
        let report = try RelationTrainingRun.run(
            configuration: configuration, output: output, resume: runOptions.resume.map { URL(fileURLWithPath: $0) },
            stopAtStep: runOptions.stopAtStep, interruption: interruption,
            progress: { label, done, total in
                let bar = bars[label] ?? ProgressBar(label: label, total: total)
                bars[label] = bar
                if done < total { bar.update(done) } else { bar.finish(total) }
            },
            write: { print($0) })
        print(String(format: "wall time %.1f s, CPU time %.1f s; outputs in %@", report.wallSeconds, report.cpuSeconds, output.path))
    }
}
