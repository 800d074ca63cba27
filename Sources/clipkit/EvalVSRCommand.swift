import ArgumentParser
import CLIPKit
import Foundation
import Relations

/// `clipkit eval vsr`: true/false caption accuracy in the Visual Spatial Reasoning format.
struct EvalVSRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vsr",
        abstract: "True/false caption accuracy on Visual Spatial Reasoning JSON lines (relation-aware CLIP or any model).",
        discussion: """
            Each caption's subject–relation–object triple is mined with link grammar (lines without one are skipped); \
            its score is the cosine of its text feature and the image feature built from the subject's and object's \
            boxes ("subj_box", "obj_box" as [x, y, width, height]; the whole image when absent). Two decisions are \
            reported: paired (true when the caption outscores its relation-flipped counterpart) and threshold (a \
            threshold fitted on the first --dev-fraction of the lines, accuracy on the rest), with accuracy per group \
            ("group" field, else the relation) and silhouettes by group.
            --model takes a trained sa_clip run folder or model.safetensors, or any model name (a plain dual encoder).
            Example: clipkit export scenes --out held-out --count 400 --split held_out && \\
                     clipkit eval vsr --data held-out/scenes.jsonl --model runs/saclip-clevr
            """)

    @OptionGroup var modelOptions: ModelOptionGroup

    @Option(help: "The VSR JSON-lines file.", completion: .file())
    var data: String

    @Option(help: "Folder the \"image\" names are relative to (default: the file's folder).", completion: .directory)
    var images: String?

    @Option(help: "Share of the lines used to fit the threshold.")
    var devFraction = 0.5

    @Option(help: "Write the report as JSON to this file (- for standard output).")
    var json: String?

    func run() throws {
        let bar = ProgressBar(label: "encoding images and regions", total: nil)
        let (report, skipped) = try RelationEvaluationRun.vsr(model: modelOptions.model ?? "clipkit-default", options: try modelOptions.options,
                                                              data: URL(fileURLWithPath: data), images: images.map { URL(fileURLWithPath: $0) },
                                                              devFraction: devFraction, progress: { done, _ in bar.update(done) })
        if let json { try writeJSON(report, to: json) }
        print("\(report.captions) captions judged (\(skipped) lines without a triple skipped)")
        print(RelationTrainingRun.describe(report) + (report.threshold.map { String(format: " (threshold %.4f)", $0) } ?? ""))
        for (group, accuracy) in report.groupAccuracy.sorted(by: { $0.key < $1.key }) { print(String(format: "  %@: %.4f", group, accuracy)) }
    }
}
