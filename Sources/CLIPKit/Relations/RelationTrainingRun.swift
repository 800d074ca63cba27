import Foundation
import Relations
import Training

/// Runs task `sa_clip` for `clipkit train`: builds `RelationTraining` (image and region features
/// of generated scenes from the computed cache when an earlier run made them), resumes when asked,
/// evaluates on the held-out scenes (and traffic frames) before and after training, saves
/// `model.safetensors` and `evaluation.json` in the output folder.
public enum RelationTrainingRun {
    /// What `evaluation.json` records.
    public struct Report: Codable, Sendable {
        public var steps: Int
        public var wallSeconds: Double
        /// User + system CPU seconds of the whole process (all threads).
        public var cpuSeconds: Double
        public var trainingExamples: Int
        public var validationExamples: Int
        public var trainableParameters: Int
        public var before: RelationEvaluation.Report?
        public var after: RelationEvaluation.Report?
        public var anomalyBefore: AnomalyScoring.Report?
        public var anomalyAfter: AnomalyScoring.Report?
        /// With `held_out_configurations`: the held-out scenes split into seen and held-out
        /// configurations (the held-out part judged with the seen part's threshold).
        public var seenConfigurationsBefore: RelationEvaluation.Report?
        public var seenConfigurationsAfter: RelationEvaluation.Report?
        public var heldOutConfigurationsBefore: RelationEvaluation.Report?
        public var heldOutConfigurationsAfter: RelationEvaluation.Report?

        enum CodingKeys: String, CodingKey {
            case steps, wallSeconds = "wall_seconds", cpuSeconds = "cpu_seconds", trainingExamples = "training_examples"
            case validationExamples = "validation_examples", trainableParameters = "trainable_parameters", before, after
            case anomalyBefore = "anomaly_before", anomalyAfter = "anomaly_after"
            case seenConfigurationsBefore = "seen_configurations_before", seenConfigurationsAfter = "seen_configurations_after"
            case heldOutConfigurationsBefore = "held_out_configurations_before", heldOutConfigurationsAfter = "held_out_configurations_after"
        }
    }

    /// CPU seconds (user + system) this process has used.
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Trains as configured; `write` gets progress lines. An `interruption` (Ctrl-C, SIGTERM) stops
    /// training at the next step boundary with a checkpoint (`TrainingError.interrupted`).
    public static func run(configuration: TrainingConfiguration, output: URL, resume: URL?, stopAtStep: Int?,
                           interruption: TrainingInterruption? = nil,
                           progress: ((String, Int, Int) -> Void)? = nil, write: @escaping (String) -> Void) throws -> Report {
        let start = Date()
        let training = try RelationTraining(configuration: configuration, outputDirectory: output, cache: RelationFeatureCache(),
                                            progress: progress)
        training.trainer.write = write
        training.trainer.interruption = interruption
        let trainable = training.model.trainableParameters.reduce(0) { $0 + $1.value.count }
        write("sa_clip: \(training.data.train.count) training and \(training.data.validation.count) held-out examples, "
              + "\(training.data.trafficValidation.count) held-out traffic frames, \(trainable) trainable parameters")
        if let warning = try configuration.beginRun(output: output, resumingFrom: resume, restore: { try training.trainer.resume(from: $0) }) {
            write(warning)
        }
        let miner = training.data.trafficValidation.isEmpty ? nil : try RelationMiner.installed()
        let fresh = training.trainer.step == 0
        let before = fresh ? try training.evaluate() : nil
        let anomalyBefore = fresh ? try miner.flatMap { try training.evaluateAnomalies(miner: $0) } : nil
        let configurationsBefore = fresh ? try training.evaluateConfigurations() : nil
        if let before { write("before training: " + describe(before)) }
        if let configurationsBefore { write("before training, held-out configurations: " + describe(configurationsBefore.heldOut)) }
        if let anomalyBefore {
            write(String(format: "before training: anomaly ROC-AUC %.4f (minus normal %.4f)", anomalyBefore.rocAUC, anomalyBefore.rocAUCSubtractingNormal))
            write("before training, anomaly ROC-AUC per situation (Eq. 11 / minus normal): " + AnomalyScoring.describeSituations(anomalyBefore))
        }
        try training.trainer.train(stopStep: stopAtStep)
        try training.model.save(to: output.appendingPathComponent("model.safetensors"), configuration: configuration)
        let after = try training.evaluate()
        let anomalyAfter = try miner.flatMap { try training.evaluateAnomalies(miner: $0) }
        let configurationsAfter = try training.evaluateConfigurations()
        if let after {
            write("after \(training.trainer.step) steps: " + describe(after))
            if let groups = after.imageGroupSilhouettes { write("after training, image silhouette by configuration: " + describe(groups)) }
        }
        if let configurationsAfter {
            write("after training, seen configurations: " + describe(configurationsAfter.seen))
            write("after training, held-out configurations: " + describe(configurationsAfter.heldOut))
        }
        if let anomalyAfter {
            write(String(format: "after training: anomaly ROC-AUC %.4f (minus normal %.4f)", anomalyAfter.rocAUC, anomalyAfter.rocAUCSubtractingNormal))
            write("after training, anomaly ROC-AUC per situation (Eq. 11 / minus normal): " + AnomalyScoring.describeSituations(anomalyAfter))
        }
        let report = Report(steps: training.trainer.step, wallSeconds: Date().timeIntervalSince(start), cpuSeconds: processCPUSeconds(),
                            trainingExamples: training.data.train.count, validationExamples: training.data.validation.count,
                            trainableParameters: trainable, before: before, after: after, anomalyBefore: anomalyBefore, anomalyAfter: anomalyAfter,
                            seenConfigurationsBefore: configurationsBefore?.seen, seenConfigurationsAfter: configurationsAfter?.seen,
                            heldOutConfigurationsBefore: configurationsBefore?.heldOut, heldOutConfigurationsAfter: configurationsAfter?.heldOut)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: output.appendingPathComponent("evaluation.json"))
        return report
    }

    /// "paired 0.91, threshold 0.88, silhouette text 0.52 image 0.61".
    public static func describe(_ report: RelationEvaluation.Report) -> String {
        var parts = [String(format: "true/false accuracy paired %.4f", report.pairedAccuracy)]
        if let value = report.thresholdAccuracy { parts.append(String(format: "threshold %.4f", value)) }
        if let text = report.textSilhouette, let image = report.imageSilhouette {
            parts.append(String(format: "silhouette text %.4f image %.4f", text, image))
        }
        if let text = report.relationTextSilhouette, let image = report.relationImageSilhouette {
            parts.append(String(format: "relation halves text %.4f image %.4f", text, image))
        }
        return parts.joined(separator: ", ")
    }

    /// "front 0.62 (nearest front-left, 80%), …" for each group's silhouette in `groups`, by name.
    public static func describe(_ groups: [String: RelationEvaluation.GroupSilhouette]) -> String {
        groups.sorted { $0.key < $1.key }.map { name, group in
            String(format: "%@ %.3f (nearest %@, %.0f%%)", name, group.silhouette, group.nearestGroup, 100 * group.nearestShare)
        }.joined(separator: ", ")
    }
}
