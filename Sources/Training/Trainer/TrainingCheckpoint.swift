import Checkpoint
import Foundation
import NN
import Optim
import Tensor

/// Everything besides tensors that a resumed run needs, stored as JSON in the checkpoint's
/// safetensors metadata under `clipkit.training_state`.
public struct TrainingState: Codable, Sendable, Equatable {
    /// Optimiser steps taken; also the learning-rate schedule's position.
    public var step: Int
    /// Epochs completed.
    public var epoch: Int
    /// The trainer's random state (handed to the loss function each step).
    public var generator: SeededGenerator
    /// The batch source's position (data order and its random state) as JSON.
    public var sourcePosition: String
    public var optimizerKind: String
    public var optimizerStepCount: Int
    /// The learning rate of the last step (informational: the schedule recomputes it from `step`).
    public var learningRate: Float
    public var history: MetricsHistory
    public var elapsedSeconds: Double
    /// With several training stages: each stage's optimiser (the fields above describe the first).
    public var stages: [StageState]?
    /// Updates made by the moving average of weights, when the run keeps one.
    public var movingAverageUpdates: Int?
    /// The random stream of training-mode layers such as dropout (absent in older checkpoints).
    public var randomStream: CounterBasedGenerator?
    /// Losses of the steps after the last loss record (absent when there are none, and in older checkpoints).
    public var pendingLoss: PendingLoss?

    /// One training stage's optimiser in a checkpoint.
    public struct StageState: Codable, Sendable, Equatable {
        public var name: String
        public var optimizerKind: String
        public var optimizerStepCount: Int
        /// The stage's learning rate at the last step (informational).
        public var learningRate: Float
    }
}

/// A training checkpoint: one safetensors file holding the model's parameters and buffers under
/// `model.<name>`, the optimiser's state under `optimizer.<slot>.<parameter name>` (Adam's
/// `exp_avg`, `exp_avg_sq`; SGD's `momentum_buffer`) or, with several training stages,
/// `optimizer.<stage>.<slot>.<parameter name>`, the moving average of weights (if any) under
/// `ema.<name>`, and in its metadata the `TrainingState` (step = schedule position, RNG states,
/// data-order position, metrics) and the run's configuration JSON.
public enum TrainingCheckpoint {
    public static let formatKey = "format"
    public static let formatValue = "clipkit-training-checkpoint-1"
    public static let stateKey = "clipkit.training_state"
    public static let configurationKey = "clipkit.configuration"

    /// An optimiser and the name of its training stage.
    public typealias NamedOptimizer = (name: String, optimizer: any CheckpointableOptimizer)

    /// Writes a single-optimiser checkpoint atomically.
    public static func write(model: any Module, optimizer: any CheckpointableOptimizer, state: TrainingState,
                             configuration: String?, to url: URL) throws {
        try write(model: model, optimizers: [("", optimizer)], movingAverage: nil, state: state, configuration: configuration, to: url)
    }

    /// Writes a checkpoint atomically: one optimiser, or several named ones (one per stage).
    public static func write(model: any Module, optimizers: [NamedOptimizer], movingAverage: ExponentialMovingAverage?,
                             state: TrainingState, configuration: String?, to url: URL) throws {
        var tensors: [String: Tensor] = [:]
        for (name, parameter) in model.namedParameters { tensors["model.\(name)"] = parameter.value }
        for (stage, optimizer) in optimizers {
            let names = try parameterNames(model: model, optimizer: optimizer)
            let prefix = optimizers.count == 1 ? "optimizer." : "optimizer.\(stage)."
            for (slot, values) in optimizer.stateSlots {
                for (position, value) in values.enumerated() {
                    if let value { tensors["\(prefix)\(slot).\(names[position])"] = value }
                }
            }
        }
        for (name, value) in movingAverage?.averagedValues ?? [:] { tensors["ema.\(name)"] = value }
        var metadata = [formatKey: formatValue]
        metadata[stateKey] = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        if let configuration { metadata[configurationKey] = configuration }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try SafetensorsFile.write(tensors, metadata: metadata, to: url)
    }

    /// Reads a single-optimiser checkpoint into `model` (strictly: every parameter present with its
    /// shape) and `optimizer`, returning the training state and the stored configuration.
    public static func read(from url: URL, model: any Module, optimizer: any CheckpointableOptimizer) throws
        -> (state: TrainingState, configuration: String?) {
        try read(from: url, model: model, optimizers: [("", optimizer)], movingAverage: nil)
    }

    /// Reads a checkpoint into `model` (strictly), each stage's optimiser and the moving average,
    /// returning the training state and the stored configuration. The stages must be the stored
    /// ones, by name, order and optimiser kind.
    public static func read(from url: URL, model: any Module, optimizers: [NamedOptimizer],
                            movingAverage: ExponentialMovingAverage?) throws -> (state: TrainingState, configuration: String?) {
        let file = try SafetensorsFile(contentsOf: url)
        guard file.metadata[formatKey] == formatValue, let stateJSON = file.metadata[stateKey] else {
            throw TrainingError.notATrainingCheckpoint(path: url.path)
        }
        let state = try JSONDecoder().decode(TrainingState.self, from: Data(stateJSON.utf8))
        let stored = state.stages ?? [TrainingState.StageState(name: optimizers.count == 1 ? optimizers[0].name : "",
                                                               optimizerKind: state.optimizerKind,
                                                               optimizerStepCount: state.optimizerStepCount, learningRate: state.learningRate)]
        if optimizers.count > 1 || state.stages != nil {
            let configured = optimizers.map(\.name), storedNames = stored.map(\.name)
            guard configured == storedNames else {
                throw TrainingError.stageMismatch(path: url.path, stored: storedNames, configured: configured)
            }
        }
        for ((_, optimizer), saved) in zip(optimizers, stored) where saved.optimizerKind != optimizer.kind {
            throw TrainingError.optimizerMismatch(path: url.path, stored: saved.optimizerKind, configured: optimizer.kind)
        }
        if (movingAverage == nil) != (state.movingAverageUpdates == nil) {
            throw TrainingError.movingAverageMismatch(path: url.path, stored: state.movingAverageUpdates != nil)
        }
        // Copy every tensor out of the mapping so the file can be replaced while training goes on.
        var modelTensors: [String: Tensor] = [:], averages: [String: Tensor] = [:]
        // Per stage: slot → one optional tensor per parameter position.
        var slots: [[String: [Tensor?]]] = []
        var positions: [[String: Int]] = []
        for (_, optimizer) in optimizers {
            let names = try parameterNames(model: model, optimizer: optimizer)
            positions.append(Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }))
            slots.append(optimizer.stateSlots.mapValues { _ in [Tensor?](repeating: nil, count: names.count) })
        }
        let stageIndex = Dictionary(optimizers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in file.names {
            if name.hasPrefix("model.") {
                modelTensors[String(name.dropFirst("model.".count))] = try file.tensor(named: name).copy()
            } else if name.hasPrefix("ema."), movingAverage != nil {
                averages[String(name.dropFirst("ema.".count))] = try file.tensor(named: name).copy()
            } else if name.hasPrefix("optimizer.") {
                var rest = name.dropFirst("optimizer.".count)
                var stage = 0
                if optimizers.count > 1 {
                    guard let dot = rest.firstIndex(of: "."), let index = stageIndex[String(rest[..<dot])] else {
                        throw TrainingError.unexpectedTensor(path: url.path, name: name)
                    }
                    stage = index
                    rest = rest[rest.index(after: dot)...]
                }
                guard let dot = rest.firstIndex(of: "."), slots[stage][String(rest[..<dot])] != nil,
                      let position = positions[stage][String(rest[rest.index(after: dot)...])] else {
                    throw TrainingError.unexpectedTensor(path: url.path, name: name)
                }
                slots[stage][String(rest[..<dot])]![position] = try file.tensor(named: name).copy()
            } else {
                throw TrainingError.unexpectedTensor(path: url.path, name: name)
            }
        }
        try StrictWeightLoader().load(modelTensors, into: model, source: url.path)
        for (index, (_, optimizer)) in optimizers.enumerated() {
            try optimizer.restore(stepCount: stored[index].optimizerStepCount, slots: slots[index])
        }
        if let movingAverage, let updates = state.movingAverageUpdates {
            try movingAverage.restore(updateCount: updates, averages: averages)
        }
        return (state, file.metadata[configurationKey])
    }

    /// The model's name of each optimiser parameter, by identity.
    static func parameterNames(model: any Module, optimizer: any CheckpointableOptimizer) throws -> [String] {
        var byIdentity: [ObjectIdentifier: String] = [:]
        for (name, parameter) in model.namedParameters where byIdentity[ObjectIdentifier(parameter)] == nil {
            byIdentity[ObjectIdentifier(parameter)] = name
        }
        return try optimizer.parameters.map { parameter in
            guard let name = byIdentity[ObjectIdentifier(parameter)] else { throw TrainingError.optimizerParameterNotInModel }
            return name
        }
    }

    /// The checkpoint to resume from: `url` itself when it is a file, else the highest-step
    /// `step-*.safetensors` in `url/checkpoints`.
    public static func resolve(_ url: URL) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw TrainingError.checkpointNotFound(path: url.path)
        }
        guard isDirectory.boolValue else { return url }
        let folder = url.appendingPathComponent("checkpoints", isDirectory: true)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard let latest = files.filter({ $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") }).sorted().last else {
            throw TrainingError.checkpointNotFound(path: folder.path)
        }
        return folder.appendingPathComponent(latest)
    }

    /// Deletes `checkpoints/.step-*.safetensors.<pid>.partial` files under `directory` left by a
    /// writer that was killed mid-write (its process no longer runs, or it is this process, which
    /// is not writing while it calls this).
    public static func removeOrphanedPartialFiles(in directory: URL) {
        let folder = directory.appendingPathComponent("checkpoints", isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".partial") {
            let fields = name.dropLast(".partial".count).split(separator: ".")
            guard let pid = fields.last.flatMap({ Int32($0) }) else { continue }
            let alive = pid != ProcessInfo.processInfo.processIdentifier && (kill(pid, 0) == 0 || errno == EPERM)
            if !alive { try? FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
        }
    }

    /// `checkpoints/step-00000100.safetensors` under `directory`.
    public static func url(forStep step: Int, in directory: URL) -> URL {
        directory.appendingPathComponent("checkpoints", isDirectory: true)
            .appendingPathComponent(String(format: "step-%08d.safetensors", step))
    }
}
