import ArgumentParser
import CLIPKit
import Foundation
import Relations

/// `clipkit eval anomaly`: zero-shot anomaly ROC-AUC on generated traffic frames.
struct EvalAnomalyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomaly",
        abstract: "Zero-shot anomaly scores (SA-CLIP Eq. 11) and ROC-AUC on held-out traffic frames.",
        discussion: """
            Draws --count held-out bird's-eye traffic frames (half with one anomaly: a car on the sidewalk, a pedestrian \
            lying on the road, two cars crashing, a car across the road, a cyclist against the traffic) and scores each \
            by its mean similarity to the anomaly descriptions, grounding each description's subject and object to \
            the frame's objects by category; also minus the mean similarity to the normal descriptions. Reports both \
            ROC-AUCs; --explanations writes each frame's three best-matching descriptions as JSON lines.
            Example: clipkit eval anomaly --model runs/saclip-clevr --count 200
            """)

    @OptionGroup var modelOptions: ModelOptionGroup

    @Option(help: "Frames to score.")
    var count = 200

    @Option(help: "Seed of the frames (the training run's seed draws the same held-out frames).")
    var seed: UInt64 = 0

    @Option(help: "Frame side in pixels.")
    var imageSize = 128

    @Flag(help: "Cyclist frames show a car ahead in the cyclist's lane and the cyclist's descriptions name it (sa_clip.data.cyclist_lane_car).")
    var cyclistLaneCar = false

    @Option(help: "Write each frame's label, scores and best descriptions as JSON lines to this file.")
    var explanations: String?

    @Option(help: "Write the report as JSON to this file (- for standard output).")
    var json: String?

    func run() throws {
        let bar = ProgressBar(label: "scoring frames", total: count)
        let (report, frames) = try RelationEvaluationRun.anomaly(model: modelOptions.model ?? "clipkit-default", options: try modelOptions.options,
                                                                 count: count, seed: seed, imageSize: imageSize,
                                                                 cyclistLaneCar: cyclistLaneCar, progress: { done, total in if done < total { bar.update(done) } })
        bar.finish(count)
        if let explanations {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let text = try frames.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
            try text.write(toFile: explanations, atomically: true, encoding: .utf8)
        }
        if let json { try writeJSON(report, to: json) }
        print(String(format: "%d frames (%d anomalous): ROC-AUC %.4f; minus normal descriptions %.4f", report.frames, report.anomalousFrames,
                     report.rocAUC, report.rocAUCSubtractingNormal))
        print("per situation (Eq. 11 / minus normal): " + AnomalyScoring.describeSituations(report))
    }
}
