import Checkpoint
import Foundation
import NN
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
}

/// A training checkpoint: one safetensors file holding the model's parameters and buffers under
/// `model.<name>`, the optimiser's state under `optimizer.<slot>.<parameter name>` (Adam's
/// `exp_avg`, `exp_avg_sq`; SGD's `momentum_buffer`), and in its metadata the `TrainingState`
/// (step = schedule position, RNG state, data-order position, metrics) and the run's
/// configuration JSON.
public enum TrainingCheckpoint {
    public static let formatKey = "format"
    public static let formatValue = "clipkit-training-checkpoint-1"
    public static let stateKey = "clipkit.training_state"
    public static let configurationKey = "clipkit.configuration"

    /// Writes a checkpoint atomically.
    public static func write(model: any Module, optimizer: any CheckpointableOptimizer, state: TrainingState,
                             configuration: String?, to url: URL) throws {
        let names = try parameterNames(model: model, optimizer: optimizer)
        var tensors: [String: Tensor] = [:]
        for (name, parameter) in model.namedParameters { tensors["model.\(name)"] = parameter.value }
        for (slot, values) in optimizer.stateSlots {
            for (position, value) in values.enumerated() {
                if let value { tensors["optimizer.\(slot).\(names[position])"] = value }
            }
        }
        var metadata = [formatKey: formatValue]
        metadata[stateKey] = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        if let configuration { metadata[configurationKey] = configuration }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try SafetensorsFile.write(tensors, metadata: metadata, to: url)
    }

    /// Reads a checkpoint into `model` (strictly: every parameter present with its shape) and
    /// `optimizer`, returning the training state and the stored configuration.
    public static func read(from url: URL, model: any Module, optimizer: any CheckpointableOptimizer) throws
        -> (state: TrainingState, configuration: String?) {
        let file = try SafetensorsFile(contentsOf: url)
        guard file.metadata[formatKey] == formatValue, let stateJSON = file.metadata[stateKey] else {
            throw TrainingError.notATrainingCheckpoint(path: url.path)
        }
        let state = try JSONDecoder().decode(TrainingState.self, from: Data(stateJSON.utf8))
        guard state.optimizerKind == optimizer.kind else {
            throw TrainingError.optimizerMismatch(path: url.path, stored: state.optimizerKind, configured: optimizer.kind)
        }
        // Copy every tensor out of the mapping so the file can be replaced while training goes on.
        var modelTensors: [String: Tensor] = [:]
        var slots: [String: [Tensor?]] = [:]
        let names = try parameterNames(model: model, optimizer: optimizer)
        let positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for slot in optimizer.stateSlots.keys { slots[slot] = [Tensor?](repeating: nil, count: names.count) }
        for name in file.names {
            if name.hasPrefix("model.") {
                modelTensors[String(name.dropFirst("model.".count))] = try file.tensor(named: name).copy()
            } else if name.hasPrefix("optimizer.") {
                let rest = name.dropFirst("optimizer.".count)
                guard let dot = rest.firstIndex(of: "."), slots[String(rest[..<dot])] != nil,
                      let position = positions[String(rest[rest.index(after: dot)...])] else {
                    throw TrainingError.unexpectedTensor(path: url.path, name: name)
                }
                slots[String(rest[..<dot])]![position] = try file.tensor(named: name).copy()
            } else {
                throw TrainingError.unexpectedTensor(path: url.path, name: name)
            }
        }
        try model.loadWeights(modelTensors, source: url.path)
        try optimizer.restore(stepCount: state.optimizerStepCount, slots: slots)
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

    /// `checkpoints/step-00000100.safetensors` under `directory`.
    public static func url(forStep step: Int, in directory: URL) -> URL {
        directory.appendingPathComponent("checkpoints", isDirectory: true)
            .appendingPathComponent(String(format: "step-%08d.safetensors", step))
    }
}
