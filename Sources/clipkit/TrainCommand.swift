import ArgumentParser
import Foundation
import Tensor
import Training

/// Options every training invocation shares (kept in one `@OptionGroup` so later training
/// commands reuse them).
struct TrainingRunOptions: ParsableArguments {
    @Option(help: "Override `training.steps`: optimiser steps in the whole run.")
    var steps: Int?

    @Option(help: "Override `output`: folder for metrics.csv, metrics.svg, checkpoints/, model.safetensors, evaluation.json.")
    var output: String?

    @Option(help: "Resume from a training checkpoint file, or from the latest checkpoint in an output folder.")
    var resume: String?

    @Option(help: "Override `seed` (initialisation, data order, sampling, augmentation).")
    var seed: UInt64?

    @Option(help: "Override `training.checkpoint_interval` (steps between checkpoints).")
    var checkpointInterval: Int?

    @Option(help: "Stop after this step with a checkpoint (continue later with --resume; the schedule still spans `training.steps`).")
    var stopAtStep: Int?

    @Flag(help: "No progress lines (CI); only the final summary.")
    var quiet = false

    @Flag(help: "Start over in an output folder that holds an earlier run: its checkpoints, metrics and model are deleted first.")
    var overwrite = false

    func apply(to configuration: inout TrainingConfiguration) {
        if let steps { configuration.training.steps = steps }
        if let output { configuration.output = output }
        if let seed { configuration.seed = seed }
        if let checkpointInterval { configuration.training.checkpointInterval = checkpointInterval }
        if quiet { configuration.training.quiet = true }
    }
}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model from a JSON configuration (tasks \"triplet\", \"contrastive\", \"clip_from_scratch\", \"sa_clip\", \"diffusion\", \"ip_adapter\", \"stylegan\", \"captioner\", \"text2face\").",
        discussion: TrainingConfigurationReference.text)

    @Option(help: "The run's JSON configuration (see the field reference below).", completion: .file())
    var config: String?

    @OptionGroup var runOptions: TrainingRunOptions

    @Flag(help: "Print the configuration with every default filled in, and exit.")
    var printConfiguration = false

    func run() throws {
        // Progress lines must appear as they happen, also when standard output is a file.
        setvbuf(stdout, nil, _IOLBF, 0)
        var configuration = try config.map { try TrainingConfiguration.load(contentsOf: URL(fileURLWithPath: $0)) }
            ?? TrainingConfiguration()
        runOptions.apply(to: &configuration)
        try configuration.validate()
        if printConfiguration {
            print(String(decoding: try configuration.encoded(), as: UTF8.self))
            return
        }
        let output = URL(fileURLWithPath: configuration.output ?? "runs/\(configuration.task.rawValue)", isDirectory: true)
        try TrainingOutputFolder.prepare(output, resuming: runOptions.resume != nil, overwrite: runOptions.overwrite)
        // Ctrl-C or a SIGTERM stops at the next step boundary with a checkpoint.
        let interruption = TrainingInterruption.watchingSignals()
        do {
            switch configuration.task {
            case .triplet:
                try runTriplet(configuration, output: output, interruption: interruption)
            case .contrastive, .clipFromScratch:
                try runContrastive(configuration, output: output, interruption: interruption)
            case .saCLIP:
                try runRelationAware(configuration, output: output, interruption: interruption)
            case .diffusion, .ipAdapter:
                try runDiffusion(configuration, output: output, interruption: interruption)
            case .stylegan:
                try runStyleGAN(configuration, output: output, interruption: interruption)
            case .captioner:
                try runCaptioner(configuration, output: output, interruption: interruption)
            case .text2face:
                try runTextToFace(configuration, output: output, interruption: interruption)
            }
        } catch let error as TrainingError {
            guard case let .interrupted(signal, _, _) = error else { throw error }
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(128 + (signal == 0 ? SIGINT : signal))
        }
    }

    /// Writes the run's `configuration.json` into `output` and, with `--resume`, restores the
    /// checkpoint through `resume`, warning when it was written with another configuration.
    func beginRun(_ configuration: TrainingConfiguration, output: URL, resume: (URL) throws -> String?) throws {
        if let warning = try configuration.beginRun(output: output, resumingFrom: runOptions.resume.map { URL(fileURLWithPath: $0) },
                                                    restore: resume) {
            FileHandle.standardError.write(Data("\(warning)\n".utf8))
        }
    }

    private func runTriplet(_ configuration: TrainingConfiguration, output: URL, interruption: TrainingInterruption) throws {
        let start = Date()
        let training = try TripletTraining(configuration: configuration, outputDirectory: output)
        training.trainer.interruption = interruption
        print("triplet: \(training.trainImages.count) training and \(training.testImages.count) evaluation images, "
              + "\(training.network.trainableParameters.reduce(0) { $0 + $1.value.count }) trainable parameters, "
              + "\(ThreadPolicy.threadCount) threads")
        try beginRun(configuration, output: output) { try training.trainer.resume(from: $0) }
        let untrained = training.trainer.step == 0 ? training.evaluate() : nil
        try training.trainer.train(stopStep: runOptions.stopAtStep)
        try training.saveModel(to: output.appendingPathComponent("model.safetensors"))
        let evaluation = training.evaluate()
        let report = TripletTraining.Report(evaluation: evaluation, untrained: untrained, steps: training.trainer.step,
                                            wallSeconds: Date().timeIntervalSince(start), evaluationImages: training.testImages.count,
                                            evaluationTriplets: training.evaluationTriplets.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: output.appendingPathComponent("evaluation.json"))
        if let untrained {
            print(String(format: "untrained: triplet accuracy %.4f, image→image R@1 %.4f", untrained.tripletAccuracy, untrained.recallAt1))
        }
        print(String(format: """
            evaluation on %d images / %d triplets: triplet accuracy %.4f, image→image R@1 %.4f, \
            similarity test %.4f at threshold %.1f (best %.4f at %.2f); mean d(a,p) %.2f, d(a,n) %.2f
            """, training.testImages.count, training.evaluationTriplets.count, evaluation.tripletAccuracy, evaluation.recallAt1,
            evaluation.thresholdAccuracy, Double(evaluation.threshold), evaluation.bestThresholdAccuracy,
            Double(evaluation.bestThreshold), evaluation.meanPositiveDistance, evaluation.meanNegativeDistance))
        print(String(format: "wall time %.1f s; outputs in %@", Date().timeIntervalSince(start), output.path))
    }
}
