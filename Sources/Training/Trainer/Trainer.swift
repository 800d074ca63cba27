import Autograd
import Foundation
import NN
import Optim
import Tensor

/// Validation run after each epoch: named metrics, and how to plot them.
public struct Validation {
    /// Metric names in column order.
    public var metricNames: [String]
    /// Names drawn with the training loss (losses).
    public var lossNames: [String]
    /// Names drawn in the score panel (nil: every metric that is not a loss).
    public var scoreNames: [String]?
    /// Computes the metrics (in inference mode; it must not touch training state).
    public var run: () -> [String: Double]

    public init(metricNames: [String], lossNames: [String] = [], scoreNames: [String]? = nil,
                run: @escaping () -> [String: Double]) {
        self.metricNames = metricNames
        self.lossNames = lossNames
        self.scoreNames = scoreNames
        self.run = run
    }
}

/// What a finished `train()` call reports.
public struct TrainingSummary: Sendable {
    public var steps: Int
    public var epochs: Int
    public var finalLoss: Double?
    public var validation: [String: Double]
    public var wallSeconds: Double
    public var checkpoint: URL?
}

/// A generic training loop (the shape of nanoGPT's and open_clip's loops): for each step, set
/// the scheduled learning rate, take the next batch, forward to a scalar loss, back-propagate,
/// clip gradients, step the optimiser; log the loss, validate after each epoch, checkpoint every
/// N steps and at the end. Outputs go to `outputDirectory`: `metrics.csv`, `metrics.svg` and
/// `checkpoints/step-<step>.safetensors`.
///
/// A checkpoint stores the weights and buffers, the optimiser's moments and step count, the step
/// (the schedule's position), the trainer's RNG state and the source's data position, so
/// `resume(from:)` continues bit for bit: N steps, save, resume, N more gives the same weights as
/// 2N steps in one go.
public final class Trainer<Source: BatchSource> {
    public let model: any Module
    public let optimizer: any CheckpointableOptimizer
    public let schedule: LearningRateSchedule
    public var source: Source
    public var options: TrainerOptions
    public let outputDirectory: URL?
    /// Random state for the loss function (dropout, sampling); saved in checkpoints.
    public var generator: SeededGenerator
    public var validation: Validation?
    /// Runs after every optimiser step (e.g. clamping CLIP's logit scale).
    public var afterStep: (() -> Void)?
    /// The run's configuration, stored in checkpoints.
    public var configurationJSON: String?
    /// Title of the metrics plot.
    public var plotTitle = "Training"
    /// Where progress lines go (standard output by default).
    public var write: (String) -> Void = { print($0) }

    public private(set) var step = 0
    public private(set) var epoch = 0
    public private(set) var history: MetricsHistory
    private var elapsedBefore = 0.0
    private let lossFunction: (Source.Batch, inout SeededGenerator) -> Variable

    public init(model: any Module, optimizer: any CheckpointableOptimizer, schedule: LearningRateSchedule,
                source: Source, options: TrainerOptions, outputDirectory: URL?, seed: UInt64,
                validation: Validation? = nil,
                loss: @escaping (Source.Batch, inout SeededGenerator) -> Variable) {
        self.model = model
        self.optimizer = optimizer
        self.schedule = schedule
        self.source = source
        self.options = options
        self.outputDirectory = outputDirectory
        generator = SeededGenerator(seed: seed ^ 0x5EED_0F_7EA1)
        self.validation = validation
        history = MetricsHistory(validationNames: validation?.metricNames ?? [])
        lossFunction = loss
    }

    /// Trains until `options.steps` (or `stopStep`, when smaller) and writes the outputs.
    @discardableResult
    public func train(stopStep: Int? = nil) throws -> TrainingSummary {
        let target = min(stopStep ?? options.steps, options.steps)
        let start = Date()
        let progress = ProgressReporter(totalSteps: options.steps, startStep: step, quiet: options.quiet, write: write)
        var lossSum = 0.0, lossCount = 0, lastLoss: Double?
        var lastValidation: [String: Double] = [:]
        var learningRate = schedule.learningRate(atStep: step)
        let parameters = optimizer.parameters
        while step < target {
            learningRate = schedule.learningRate(atStep: step)
            optimizer.learningRate = learningRate
            let batch = source.nextBatch()
            let loss = lossFunction(batch, &generator)
            let value = loss.value.item
            guard value.isFinite else { throw TrainingError.nonFiniteLoss(step: step, value: value) }
            loss.backward()
            switch options.gradientClipping?.mode {
            case .global?: GradientClipping.clipGlobalNorm(parameters, maximumNorm: options.gradientClipping!.maxNorm)
            case .perTensor?: GradientClipping.clipNormPerTensor(parameters, maximumNorm: options.gradientClipping!.maxNorm)
            case nil: break
            }
            optimizer.step()
            optimizer.clearGradients()
            afterStep?()
            step += 1
            lossSum += Double(value)
            lossCount += 1
            lastLoss = Double(value)

            let endsEpoch = step % max(source.batchesPerEpoch, 1) == 0
            if step % max(options.logInterval, 1) == 0 || step == target || endsEpoch {
                let mean = lossSum / Double(lossCount)
                history.records.append(MetricsRecord(step: step, epoch: epoch, learningRate: learningRate, trainingLoss: mean,
                                                     elapsedSeconds: elapsedBefore + Date().timeIntervalSince(start)))
                progress.step(step, epoch: epoch, loss: mean, learningRate: learningRate)
                lossSum = 0
                lossCount = 0
            }
            if endsEpoch {
                epoch += 1
                if options.validatesEachEpoch, let validation {
                    lastValidation = validate(validation, learningRate: learningRate,
                                              elapsed: elapsedBefore + Date().timeIntervalSince(start))
                    progress.note("epoch \(epoch): " + Self.describe(lastValidation, order: validation.metricNames))
                }
                try writeMetrics()
            }
            if let interval = options.checkpointInterval, interval > 0, step % interval == 0, step < target {
                try saveCheckpoint(learningRate: learningRate, elapsedSeconds: elapsedBefore + Date().timeIntervalSince(start))
            }
        }
        let elapsed = elapsedBefore + Date().timeIntervalSince(start)
        // Validate at the end unless the last step just did.
        if let validation, lastValidation.isEmpty || step % max(source.batchesPerEpoch, 1) != 0 {
            lastValidation = validate(validation, learningRate: learningRate, elapsed: elapsed)
        }
        elapsedBefore = elapsed
        var checkpoint: URL?
        if outputDirectory != nil {
            checkpoint = try saveCheckpoint(learningRate: learningRate, elapsedSeconds: elapsed)
            try writeMetrics()
        }
        let wall = Date().timeIntervalSince(start)
        let summary = TrainingSummary(steps: step, epochs: epoch, finalLoss: lastLoss, validation: lastValidation,
                                      wallSeconds: wall, checkpoint: checkpoint)
        write(String(format: "trained to step %d in %.1f s (%.2f steps/s)", step, wall, progress.rate(atStep: step))
              + (lastValidation.isEmpty ? "" : "; " + Self.describe(lastValidation, order: validation?.metricNames ?? [])))
        return summary
    }

    private func validate(_ validation: Validation, learningRate: Float, elapsed: Double) -> [String: Double] {
        let metrics = validation.run()
        history.records.append(MetricsRecord(step: step, epoch: epoch, learningRate: learningRate, trainingLoss: nil,
                                             validation: metrics, elapsedSeconds: elapsed))
        return metrics
    }

    /// The state a checkpoint stores.
    public func state(learningRate: Float? = nil, elapsedSeconds: Double? = nil) throws -> TrainingState {
        let position = String(decoding: try JSONEncoder().encode(source.position), as: UTF8.self)
        return TrainingState(step: step, epoch: epoch, generator: generator, sourcePosition: position,
                             optimizerKind: optimizer.kind, optimizerStepCount: optimizer.stepCount,
                             learningRate: learningRate ?? schedule.learningRate(atStep: max(step - 1, 0)),
                             history: history, elapsedSeconds: elapsedSeconds ?? elapsedBefore)
    }

    /// Writes `checkpoints/step-<step>.safetensors` in the output directory (or `url`).
    @discardableResult
    public func saveCheckpoint(to url: URL? = nil, learningRate: Float? = nil, elapsedSeconds: Double? = nil) throws -> URL {
        guard let destination = url ?? outputDirectory.map({ TrainingCheckpoint.url(forStep: step, in: $0) }) else {
            throw TrainingError.invalidConfiguration("no output directory for checkpoints")
        }
        try TrainingCheckpoint.write(model: model, optimizer: optimizer, state: try state(learningRate: learningRate, elapsedSeconds: elapsedSeconds),
                                     configuration: configurationJSON, to: destination)
        return destination
    }

    /// Restores weights, optimiser state, step, RNG and data position from a checkpoint file (or
    /// the latest checkpoint of an output directory). Returns the stored configuration JSON.
    @discardableResult
    public func resume(from url: URL) throws -> String? {
        let file = try TrainingCheckpoint.resolve(url)
        let (state, configuration) = try TrainingCheckpoint.read(from: file, model: model, optimizer: optimizer)
        source.position = try JSONDecoder().decode(Source.Position.self, from: Data(state.sourcePosition.utf8))
        step = state.step
        epoch = state.epoch
        generator = state.generator
        history = state.history
        if history.validationNames.isEmpty { history.validationNames = validation?.metricNames ?? [] }
        elapsedBefore = state.elapsedSeconds
        write("resumed from \(file.path) at step \(step)")
        return configuration
    }

    /// Writes `metrics.csv` and `metrics.svg`.
    public func writeMetrics() throws {
        guard let outputDirectory else { return }
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        try history.csv().write(to: outputDirectory.appendingPathComponent("metrics.csv"), atomically: true, encoding: .utf8)
        let lossNames = validation?.lossNames ?? []
        let plot = MetricsPlot(title: plotTitle, validationLossNames: lossNames,
                               validationScoreNames: validation?.scoreNames
                                   ?? (validation?.metricNames ?? []).filter { !lossNames.contains($0) })
        try plot.svg(history).write(to: outputDirectory.appendingPathComponent("metrics.svg"), atomically: true, encoding: .utf8)
    }

    static func describe(_ metrics: [String: Double], order: [String]) -> String {
        order.compactMap { name in metrics[name].map { String(format: "%@ %.4f", name, $0) } }.joined(separator: ", ")
    }
}
