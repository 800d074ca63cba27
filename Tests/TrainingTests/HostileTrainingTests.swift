import Foundation
import Testing
import TestSupport
@testable import Training

/// Issue 13, item 5: configurations are validated field by field, a new run refuses another run's
/// folder, an interruption stops at a step boundary with a checkpoint, resumed runs keep the loss
/// window and add no duplicate validation, and orphaned partial checkpoints are removed.
@Suite struct HostileTrainingTests {
    @Test("every bad field is named instead of trapping or running nothing")
    func configurationsAreValidated() throws {
        func problem(_ json: String) -> String? {
            do {
                _ = try TrainingConfiguration.decode(Data(json.utf8), source: "run.json")
                return nil
            } catch let TrainingError.invalidConfiguration(reason) {
                return reason
            } catch {
                return "\(error)"
            }
        }
        #expect(problem(#"{"triplet": {"triplets_per_batch": 0}}"#) == "run.json: triplet.triplets_per_batch must be at least 1 (got 0)")
        #expect(problem(#"{"task": "contrastive", "contrastive": {"batch_size": 0}}"#)
                == "run.json: contrastive.batch_size must be at least 2 (got 0)")
        #expect(problem(#"{"triplet": {"head": {"embedding_width": -3}}}"#) == "run.json: triplet.head.embedding_width must be at least 1 (got -3)")
        #expect(problem(#"{"task": "contrastive", "contrastive": {"embedding_width": -1}}"#)
                == "run.json: contrastive.embedding_width must be at least 1 (got -1)")
        #expect(problem(#"{"training": {"steps": -5}}"#) == "run.json: training.steps must be at least 1 (got -5)")
        // Several problems are listed together; sections of the other task are not checked.
        let several = problem(#"{"training": {"log_interval": 0}, "optimizer": {"learning_rate": -1}, "contrastive": {"batch_size": 0}}"#)
        #expect(several == "run.json: training.log_interval must be at least 1 (got 0); optimizer.learning_rate must be a positive number (got -1.0)")
        #expect(problem(#"{"task": "clip_from_scratch", "contrastive": {"architecture": {"vision": {"image_size": 30, "patch_size": 8}}}}"#)?
            .contains("not a multiple of patch_size") == true)
        #expect(problem("{}") == nil && problem(#"{"task": "clip_from_scratch"}"#) == nil)
        // Overrides applied in code are caught by the task itself.
        var configuration = ResumeTests.configuration(steps: 4)
        configuration.triplet.tripletsPerBatch = 0
        #expect(throws: TrainingError.invalidConfiguration("triplet.triplets_per_batch must be at least 1 (got 0)")) {
            _ = try TripletTraining(configuration: configuration, outputDirectory: nil, write: { _ in })
        }
        #expect(TrainingConfiguration().training.checkpointInterval == 500)
        // A configuration given to another task's training is refused by name, before any data is read.
        var contrastive = ResumeTests.configuration(steps: 4)
        contrastive.task = .contrastive
        #expect(throws: TrainingError.invalidConfiguration("TripletTraining runs the task triplet, not contrastive")) {
            _ = try TripletTraining(configuration: contrastive, outputDirectory: nil, write: { _ in })
        }
        #expect(throws: TrainingError.invalidConfiguration("DiffusionTraining runs the tasks diffusion and ip_adapter, not triplet")) {
            try TrainingConfiguration().validate(forTasks: [.ipAdapter, .diffusion], runner: "DiffusionTraining")
        }
    }

    @Test("a new run refuses a folder holding another run; --overwrite deletes the old checkpoints")
    func outputFolders() throws {
        let temporary = try TemporaryFolder(); let folder = temporary.url
        try TrainingOutputFolder.prepare(folder, resuming: false, overwrite: false)  // empty: fine
        let training = try TripletTraining(configuration: ResumeTests.configuration(steps: 4), outputDirectory: folder, write: { _ in })
        try training.trainer.train()
        try Data("mine".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        #expect(throws: TrainingError.outputFolderNotEmpty(path: folder.path)) {
            try TrainingOutputFolder.prepare(folder, resuming: false, overwrite: false)
        }
        try TrainingOutputFolder.prepare(folder, resuming: true, overwrite: false)
        try TrainingOutputFolder.prepare(folder, resuming: false, overwrite: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["notes.txt"])
    }

    @Test("an interruption stops at a step boundary with a checkpoint; resuming it matches the uninterrupted run")
    func interruptionCheckpoints() throws {
        let steps = 8
        let straight = try TripletTraining(configuration: ResumeTests.configuration(steps: steps), outputDirectory: nil, write: { _ in })
        try straight.trainer.train()

        let temporary = try TemporaryFolder(); let folder = temporary.url
        let first = try TripletTraining(configuration: ResumeTests.configuration(steps: steps), outputDirectory: folder, write: { _ in })
        let interruption = TrainingInterruption()
        first.trainer.interruption = interruption
        first.trainer.afterStep = { if first.trainer.step == 2 { interruption.request(signal: SIGINT) } }  // during step 3
        let error = try #require(throws: TrainingError.self) { try first.trainer.train() }
        let checkpoint = TrainingCheckpoint.url(forStep: 3, in: folder)
        #expect(error == .interrupted(signal: SIGINT, step: 3, checkpoint: checkpoint.path))
        #expect(FileManager.default.fileExists(atPath: checkpoint.path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("metrics.csv").path))

        let second = try TripletTraining(configuration: ResumeTests.configuration(steps: steps), outputDirectory: folder, write: { _ in })
        try second.trainer.resume(from: folder)
        try second.trainer.train()
        let expected = TrainingTestData.snapshot(straight.trainer), actual = TrainingTestData.snapshot(second.trainer)
        for key in expected.keys.sorted() { #expect(expected[key]! == actual[key]!, "\(key) differs after the interruption") }
    }

    @Test("the loss window continues across a resume and a finished run resumed adds no validation row")
    func metricsContinue() throws {
        func configuration() -> TrainingConfiguration {
            var configuration = ResumeTests.configuration(steps: 10)
            configuration.training.logInterval = 3
            configuration.training.stepsPerEpoch = 4
            return configuration
        }
        let straight = try TripletTraining(configuration: configuration(), outputDirectory: nil, write: { _ in })
        try straight.trainer.train()
        let temporary = try TemporaryFolder(); let folder = temporary.url
        let first = try TripletTraining(configuration: configuration(), outputDirectory: folder, write: { _ in })
        try first.trainer.train(stopStep: 5)  // step 5 is inside the window 4..<6
        let second = try TripletTraining(configuration: configuration(), outputDirectory: folder, write: { _ in })
        try second.trainer.resume(from: folder)
        try second.trainer.train()
        func rows(_ training: TripletTraining) -> [String] {
            training.trainer.history.records.map { "\($0.step) \($0.epoch) \($0.trainingLoss.map { String($0) } ?? "-") \($0.validation.sorted { $0.key < $1.key })" }
        }
        #expect(rows(second) == rows(straight))
        #expect(rows(straight).filter { $0.hasPrefix("6 ") }.count == 1)  // the record of steps 4, 5, 6

        // Resuming the finished run (e.g. `clipkit train --resume` run twice) adds nothing.
        let count = second.trainer.history.records.count
        let third = try TripletTraining(configuration: configuration(), outputDirectory: folder, write: { _ in })
        try third.trainer.resume(from: folder)
        try third.trainer.train()
        #expect(third.trainer.history.records.count == count)
    }

    @Test("partial checkpoint files of a killed writer are removed when training starts")
    func orphanedPartialFiles() throws {
        let temporary = try TemporaryFolder(); let folder = temporary.url
        let checkpoints = folder.appendingPathComponent("checkpoints", isDirectory: true)
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        // A pid above the kernel's maximum never runs; PID 1 always does (its file is left alone).
        let orphan = checkpoints.appendingPathComponent(".step-00000002.safetensors.99999999.partial")
        let live = checkpoints.appendingPathComponent(".step-00000002.safetensors.1.partial")
        for file in [orphan, live] { try Data(count: 16).write(to: file) }
        let training = try TripletTraining(configuration: ResumeTests.configuration(steps: 2), outputDirectory: folder, write: { _ in })
        try training.trainer.train()
        #expect(!FileManager.default.fileExists(atPath: orphan.path))
        #expect(FileManager.default.fileExists(atPath: live.path))
    }
}
