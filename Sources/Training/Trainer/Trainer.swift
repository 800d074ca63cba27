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
    public var run: () throws -> [String: Double]

    public init(metricNames: [String], lossNames: [String] = [], scoreNames: [String]? = nil,
                run: @escaping () throws -> [String: Double]) {
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

/// A generic training loop (the shape of nanoGPT's and open_clip's loops): for each step, take
/// the next batch (or `gradientAccumulation` micro-batches), and for each training stage in turn
/// set its scheduled learning rate, forward each micro-batch to a scalar loss, back-propagate it
/// (scaled by 1/N), clip the gradients and step the stage's optimiser; then run `afterStep` and
/// update the moving average of weights, if any. It logs the loss, validates after each epoch
/// and checkpoints every N steps and at the end. Outputs go to `outputDirectory`: `metrics.csv`,
/// `metrics.svg` and `checkpoints/step-<step>.safetensors`.
///
/// One stage is the usual single-loss training; several stages step several optimisers in turn
/// (a GAN's discriminator, then its generator; see `TrainingStage`). Each optimiser may hold
/// parameter groups with their own learning rates and weight decay (`OptimizationGroup`).
///
/// A checkpoint stores the weights and buffers, every stage's optimiser moments and step count,
/// the moving average, the step (the schedules' position), the trainer's RNG state, the random
/// stream of training-mode layers (dropout masks) and the source's data position, so
/// `resume(from:)` continues bit for bit: N steps, save, resume, N more gives the same weights as
/// 2N steps in one go.
public final class Trainer<Source: BatchSource> {
    public let model: any Module
    /// The training stages, run in order within every step.
    public let stages: [TrainingStage<Source.Batch>]
    public var source: Source
    public var options: TrainerOptions
    public let outputDirectory: URL?
    /// Random state for the loss function (sampling, noise); saved in checkpoints.
    public var generator: SeededGenerator
    /// The random stream that training-mode layers (dropout) draw from during each step; its
    /// state is saved in checkpoints.
    public let randomStream: RandomStream
    /// The moving average of weights updated after every step and saved in checkpoints (set it
    /// before training or resuming).
    public var movingAverage: ExponentialMovingAverage?
    public var validation: Validation?
    /// Runs after every step, once all stages have stepped (e.g. clamping CLIP's logit scale).
    public var afterStep: (() -> Void)?
    /// The run's configuration, stored in checkpoints.
    public var configurationJSON: String?
    /// Title of the metrics plot.
    public var plotTitle = "Training"
    /// Where progress lines go (standard output by default).
    public var write: (String) -> Void = { print($0) }
    /// A stop request (SIGINT, SIGTERM) checked at every step boundary: training then writes a
    /// checkpoint and the metrics, and throws `TrainingError.interrupted`.
    public var interruption: TrainingInterruption?

    public private(set) var step = 0
    public private(set) var epoch = 0
    public private(set) var history: MetricsHistory
    private var elapsedBefore = 0.0
    /// Losses of the steps since the last loss record; kept in checkpoints so that the first
    /// record after a resume averages the same steps as an uninterrupted run's.
    private var pendingLoss = PendingLoss()

    /// The first stage's optimiser (the only one of a single-stage run).
    public var optimizer: any CheckpointableOptimizer { stages[0].optimizer }
    /// The first stage's schedule (the only one of a single-stage run).
    public var schedule: LearningRateSchedule { stages[0].schedule }

    /// A single-stage trainer: one loss, one optimiser.
    public convenience init(model: any Module, optimizer: any CheckpointableOptimizer, schedule: LearningRateSchedule,
                            source: Source, options: TrainerOptions, outputDirectory: URL?, seed: UInt64,
                            validation: Validation? = nil,
                            loss: @escaping (Source.Batch, inout SeededGenerator) throws -> Variable) {
        self.init(model: model, stages: [TrainingStage(name: "main", optimizer: optimizer, schedule: schedule, loss: loss)],
                  source: source, options: options, outputDirectory: outputDirectory, seed: seed, validation: validation)
    }

    /// A trainer stepping `stages` in turn. Every stage's parameters must belong to `model`;
    /// with several stages, names must be distinct and made of letters, digits, `_` and `-`.
    public init(model: any Module, stages: [TrainingStage<Source.Batch>], source: Source, options: TrainerOptions,
                outputDirectory: URL?, seed: UInt64, validation: Validation? = nil,
                movingAverage: ExponentialMovingAverage? = nil) {
        precondition(!stages.isEmpty, "a trainer needs at least one stage")
        if stages.count > 1 {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
            precondition(stages.allSatisfy { !$0.name.isEmpty && $0.name.allSatisfy(allowed.contains) },
                         "stage names must be non-empty letters, digits, _ or -: \(stages.map(\.name))")
            precondition(Set(stages.map(\.name)).count == stages.count, "stage names repeat: \(stages.map(\.name))")
        }
        self.model = model
        self.stages = stages
        self.source = source
        self.options = options
        self.outputDirectory = outputDirectory
        generator = SeededGenerator(seed: seed ^ 0x5EED_0F_7EA1)
        randomStream = RandomStream(seed: seed ^ 0xD80F_0A7E_5EED)
        self.movingAverage = movingAverage
        self.validation = validation
        history = MetricsHistory(validationNames: validation?.metricNames ?? [],
                                 stageNames: stages.count > 1 ? stages.map(\.name) : nil)
    }

    /// Trains until `options.steps` (or `stopStep`, when smaller) and writes the outputs.
    @discardableResult
    public func train(stopStep: Int? = nil) throws -> TrainingSummary {
        let target = min(stopStep ?? options.steps, options.steps)
        let start = Date()
        let progress = ProgressReporter(totalSteps: options.steps, startStep: step, quiet: options.quiet, write: write)
        var lastLoss: Double?
        if pendingLoss.stageSums.count != stages.count { pendingLoss = PendingLoss(stageCount: stages.count) }
        var lastValidation: [String: Double] = [:]
        var learningRate = schedule.learningRate(atStep: step)
        if let outputDirectory { TrainingCheckpoint.removeOrphanedPartialFiles(in: outputDirectory) }
        while step < target {
            if interruption?.isRequested == true { break }
            learningRate = schedule.learningRate(atStep: step)
            let microBatches = try (0..<max(options.gradientAccumulation, 1)).map { _ in try source.nextBatch() }
            var value = 0.0
            var stageLosses: [Double] = []
            for stage in stages {
                let stageLoss = try run(stage, on: microBatches)
                stageLosses.append(stageLoss)
                value += stageLoss
            }
            afterStep?()
            movingAverage?.update()
            step += 1
            pendingLoss.add(value, stageLosses: stageLosses)
            lastLoss = value

            let endsEpoch = step % max(options.stepsPerEpoch ?? source.batchesPerEpoch, 1) == 0
            // A run stopped early (`stopStep`, an interruption) keeps its partial window in the
            // checkpoint instead of recording it, so resumed runs log what uninterrupted ones do.
            if step % max(options.logInterval, 1) == 0 || step == options.steps || endsEpoch {
                let mean = pendingLoss.sum / Double(pendingLoss.count)
                let stageMeans = stages.count > 1
                    ? Dictionary(uniqueKeysWithValues: zip(stages.map(\.name), pendingLoss.stageSums.map { $0 / Double(pendingLoss.count) }))
                    : nil
                history.records.append(MetricsRecord(step: step, epoch: epoch, learningRate: learningRate, trainingLoss: mean,
                                                     elapsedSeconds: elapsedBefore + Date().timeIntervalSince(start),
                                                     stageLosses: stageMeans))
                progress.step(step, epoch: epoch, loss: mean, learningRate: learningRate)
                pendingLoss = PendingLoss(stageCount: stages.count)
            }
            if endsEpoch {
                epoch += 1
                if options.validatesEachEpoch, let validation {
                    lastValidation = try validate(validation, learningRate: learningRate,
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
        if let signal = interruption?.signal, step < target {
            // Stop at this step boundary: a checkpoint and the metrics, nothing else.
            elapsedBefore = elapsed
            var checkpoint: URL?
            if outputDirectory != nil {
                checkpoint = try saveCheckpoint(learningRate: learningRate, elapsedSeconds: elapsed)
                try writeMetrics()
            }
            throw TrainingError.interrupted(signal: signal, step: step, checkpoint: checkpoint?.path)
        }
        // Validate at the end of the run unless this step already has a validation (the last step
        // ended an epoch, or a finished run was resumed); a run stopped early (`stopStep`) leaves
        // its history as the uninterrupted run's would be at this step.
        if let validation, step == options.steps {
            if let record = history.records.last, record.step == step, !record.validation.isEmpty {
                lastValidation = record.validation
            } else {
                lastValidation = try validate(validation, learningRate: learningRate, elapsed: elapsed)
            }
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

    /// One stage of the current step: accumulate the micro-batches' gradients (each loss scaled
    /// by 1/N), clip, step. Returns the mean micro-batch loss.
    private func run(_ stage: TrainingStage<Source.Batch>, on microBatches: [Source.Batch]) throws -> Double {
        stage.optimizer.learningRate = stage.schedule.learningRate(atStep: step)
        let parameters = stage.optimizer.parameters
        // Freeze what only the other stages update, for the duration of this stage.
        var frozen: [Parameter] = []
        if stages.count > 1 {
            let own = Set(parameters.map(ObjectIdentifier.init))
            var seen = Set<ObjectIdentifier>()
            for other in stages {
                for parameter in other.optimizer.parameters where parameter.isTrainable && !own.contains(ObjectIdentifier(parameter))
                    && seen.insert(ObjectIdentifier(parameter)).inserted {
                    parameter.isTrainable = false
                    frozen.append(parameter)
                }
            }
            stage.optimizer.clearGradients()
        }
        defer { for parameter in frozen { parameter.isTrainable = true } }
        let count = microBatches.count
        var total = 0.0
        for batch in microBatches {
            let loss = try RandomStream.using(randomStream) { try stage.loss(batch, &generator) }
            let value = loss.value.item
            guard value.isFinite else { throw TrainingError.nonFiniteLoss(step: step, value: value) }
            if count == 1 {
                loss.backward()
            } else {
                loss.backward(seed: Tensor(repeating: 1 / Float(count), shape: loss.shape))
            }
            total += Double(value)
        }
        if let clipping = stage.gradientClipping ?? options.gradientClipping {
            switch clipping.mode {
            case .global: GradientClipping.clipGlobalNorm(parameters, maximumNorm: clipping.maxNorm)
            case .perTensor: GradientClipping.clipNormPerTensor(parameters, maximumNorm: clipping.maxNorm)
            }
        }
        stage.optimizer.step()
        stage.optimizer.clearGradients()
        stage.afterStep?()
        return count == 1 ? total : total / Double(count)
    }

    private func validate(_ validation: Validation, learningRate: Float, elapsed: Double) throws -> [String: Double] {
        let metrics = try validation.run()
        history.records.append(MetricsRecord(step: step, epoch: epoch, learningRate: learningRate, trainingLoss: nil,
                                             validation: metrics, elapsedSeconds: elapsed))
        return metrics
    }

    /// The state a checkpoint stores.
    public func state(learningRate: Float? = nil, elapsedSeconds: Double? = nil) throws -> TrainingState {
        let position = String(decoding: try JSONEncoder().encode(source.position), as: UTF8.self)
        let lastStep = max(step - 1, 0)
        var state = TrainingState(step: step, epoch: epoch, generator: generator, sourcePosition: position,
                                  optimizerKind: optimizer.kind, optimizerStepCount: optimizer.stepCount,
                                  learningRate: learningRate ?? schedule.learningRate(atStep: lastStep),
                                  history: history, elapsedSeconds: elapsedSeconds ?? elapsedBefore)
        if stages.count > 1 {
            state.stages = stages.map { stage in
                TrainingState.StageState(name: stage.name, optimizerKind: stage.optimizer.kind, optimizerStepCount: stage.optimizer.stepCount,
                                         learningRate: stage.schedule.learningRate(atStep: lastStep))
            }
        }
        state.movingAverageUpdates = movingAverage?.updateCount
        state.randomStream = randomStream.state
        state.pendingLoss = pendingLoss.count > 0 ? pendingLoss : nil
        return state
    }

    /// Every stage's optimiser under its stage name.
    private var namedOptimizers: [TrainingCheckpoint.NamedOptimizer] { stages.map { ($0.name, $0.optimizer) } }

    /// Writes `checkpoints/step-<step>.safetensors` in the output directory (or `url`).
    @discardableResult
    public func saveCheckpoint(to url: URL? = nil, learningRate: Float? = nil, elapsedSeconds: Double? = nil) throws -> URL {
        guard let destination = url ?? outputDirectory.map({ TrainingCheckpoint.url(forStep: step, in: $0) }) else {
            throw TrainingError.invalidConfiguration("no output directory for checkpoints")
        }
        try TrainingCheckpoint.write(model: model, optimizers: namedOptimizers, movingAverage: movingAverage,
                                     state: try state(learningRate: learningRate, elapsedSeconds: elapsedSeconds),
                                     configuration: configurationJSON, to: destination)
        return destination
    }

    /// Restores weights, optimiser states, the moving average, step, RNG states and data position
    /// from a checkpoint file (or the latest checkpoint of an output directory). Returns the
    /// stored configuration JSON.
    @discardableResult
    public func resume(from url: URL) throws -> String? {
        let file = try TrainingCheckpoint.resolve(url)
        let (state, configuration) = try TrainingCheckpoint.read(from: file, model: model, optimizers: namedOptimizers,
                                                                 movingAverage: movingAverage)
        source.position = try JSONDecoder().decode(Source.Position.self, from: Data(state.sourcePosition.utf8))
        step = state.step
        epoch = state.epoch
        generator = state.generator
        if let stream = state.randomStream { randomStream.state = stream }
        history = state.history
        if history.validationNames.isEmpty { history.validationNames = validation?.metricNames ?? [] }
        elapsedBefore = state.elapsedSeconds
        pendingLoss = state.pendingLoss ?? PendingLoss(stageCount: stages.count)
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
