import Foundation
import TestSupport
import Testing

/// SA-CLIP's pipeline through the `clipkit` executable, as a fresh clone would run it: export
/// CLEVR-style training and held-out scenes, train task `sa_clip` on the exported files for a few
/// steps, then judge the held-out captions with `clipkit eval vsr` on the saved run. Seconds long
/// (64-px scenes, the default towers at 64 px).
@Suite(.serialized) struct RelationPipelineTests {
    /// The `paired_accuracy` of a JSON report object.
    static func pairedAccuracy(_ object: Any?) -> Double? {
        (object as? [String: Any])?["paired_accuracy"] as? Double
    }

    @Test func exportTrainAndEvaluateFromTheCommandLine() throws {
        let folder = try TemporaryFolder()
        let cli = CommandLineTests()
        let train = folder.url.appendingPathComponent("train"), heldOut = folder.url.appendingPathComponent("held-out")
        for (directory, split, count) in [(train, "train", 64), (heldOut, "held_out", 48)] {
            let export = try cli.clipkit(["export", "scenes", "--out", directory.path, "--count", String(count), "--split", split,
                                          "--seed", "3", "--image-size", "64"])
            #expect(export.status == 0, "\(export.errors)")
        }
        let trainManifest = train.appendingPathComponent("scenes.jsonl"), heldOutManifest = heldOut.appendingPathComponent("scenes.jsonl")
        #expect(FileManager.default.fileExists(atPath: trainManifest.path))

        let run = folder.url.appendingPathComponent("run")
        let configuration: [String: Any] = [
            "task": "sa_clip", "seed": 3, "output": run.path,
            "training": ["steps": 16, "log_interval": 100],
            "optimizer": ["kind": "adamw", "learning_rate": 5e-4, "weight_decay": 0.01, "epsilon": 1e-8],
            "sa_clip": ["input_size": 64, "anchors_per_batch": 8,
                        "data": ["source": "vsr_jsonl", "path": trainManifest.path, "validation_path": heldOutManifest.path]],
        ]
        let configurationFile = folder.url.appendingPathComponent("saclip.json")
        try JSONSerialization.data(withJSONObject: configuration).write(to: configurationFile)
        let training = try cli.clipkit(["train", "--config", configurationFile.path, "--quiet"])
        #expect(training.status == 0, "\(training.errors)")

        let evaluation = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("evaluation.json"))) as? [String: Any]
        let before = try #require(Self.pairedAccuracy(evaluation?["before"])), after = try #require(Self.pairedAccuracy(evaluation?["after"]))
        print("sa_clip pipeline: held-out paired accuracy \(before) → \(after)")
        #expect(after >= 0.6)
        #expect(after > before)

        // The saved run judges the exported held-out file as the training run's own evaluation did.
        let reportFile = folder.url.appendingPathComponent("vsr.json")
        let judged = try cli.clipkit(["eval", "vsr", "--model", run.path, "--data", heldOutManifest.path, "--json", reportFile.path])
        #expect(judged.status == 0, "\(judged.errors)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: reportFile))
        #expect(Self.pairedAccuracy(report) == after)
    }
}
