import Foundation

/// Why training could not start, resume or continue.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case notATrainingCheckpoint(path: String)
    case optimizerMismatch(path: String, stored: String, configured: String)
    case stageMismatch(path: String, stored: [String], configured: [String])
    case movingAverageMismatch(path: String, stored: Bool)
    case unexpectedTensor(path: String, name: String)
    case optimizerParameterNotInModel
    case checkpointNotFound(path: String)
    case nonFiniteLoss(step: Int, value: Float)
    case invalidConfiguration(String)
    /// A training or validation example that cannot be read or preprocessed.
    case unreadableExample(name: String, reason: String)
    /// Training stopped at a step boundary on request (`signal` 0) or on SIGINT/SIGTERM, after
    /// writing `checkpoint` (nil without an output folder).
    case interrupted(signal: Int32, step: Int, checkpoint: String?)
    /// The output folder holds another run's files; resume it or overwrite it explicitly.
    case outputFolderNotEmpty(path: String)

    public var description: String {
        switch self {
        case let .notATrainingCheckpoint(path): "\(path) is not a CLIPKit training checkpoint (no training state in its metadata)"
        case let .optimizerMismatch(path, stored, configured):
            "\(path) holds \(stored) optimiser state but the run is configured with \(configured)"
        case let .stageMismatch(path, stored, configured):
            "\(path) holds training stages [\(stored.joined(separator: ", "))] but the run has [\(configured.joined(separator: ", "))]"
        case let .movingAverageMismatch(path, stored):
            stored ? "\(path) holds a moving average of weights but the run keeps none"
                : "\(path) holds no moving average of weights but the run keeps one"
        case let .unexpectedTensor(path, name): "\(path): tensor \(name) belongs to no model parameter or optimiser slot"
        case .optimizerParameterNotInModel: "the optimiser updates a parameter that is not part of the model"
        case let .checkpointNotFound(path): "no training checkpoint at \(path)"
        case let .nonFiniteLoss(step, value): "the loss became \(value) at step \(step); lower the learning rate or clip gradients"
        case let .invalidConfiguration(reason): "invalid training configuration: \(reason)"
        case let .interrupted(signal, step, checkpoint):
            (signal == SIGINT ? "interrupted (SIGINT)" : signal == SIGTERM ? "terminated (SIGTERM)" : "stopped on request")
                + " at step \(step)" + (checkpoint.map { "; checkpoint written to \($0): continue with --resume" } ?? "")
        case let .outputFolderNotEmpty(path):
            "the output folder \(path) already holds a run (checkpoints, metrics or a model); continue it with --resume \(path), "
                + "or pass --overwrite to replace it (its old checkpoints are deleted so --resume cannot pick them up later)"
        case let .unreadableExample(name, reason):
            "cannot use the training example \(name): " + (reason.hasPrefix(name + ": ") ? String(reason.dropFirst(name.count + 2)) : reason)
        }
    }
}
