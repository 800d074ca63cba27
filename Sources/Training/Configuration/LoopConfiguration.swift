/// The `training` section of a configuration: the loop's length, logging and checkpoints.
public struct LoopConfiguration: Codable, Sendable, Equatable {
    /// Optimiser steps in the run. Default 1000.
    public var steps: Int
    /// Steps per epoch; validation runs after each epoch, in every task (nil: the task's default,
    /// one pass over the data, or for random triplets the training images divided by the triplets
    /// per batch).
    public var stepsPerEpoch: Int?
    /// Steps between loss records and progress lines. Default 20.
    public var logInterval: Int
    /// Steps between checkpoints. Default 500, so an interrupted run loses at most that many
    /// steps (a SIGINT or SIGTERM also writes one at the next step); 0 or nil: only the final one.
    public var checkpointInterval: Int?
    /// Validate after every epoch. Default true.
    public var validateEachEpoch: Bool
    /// Gradient clipping, e.g. {"mode": "per_tensor", "max_norm": 5} (nil: none).
    public var gradientClipping: GradientClippingOption?
    /// No progress lines. Default false.
    public var quiet: Bool

    /// The default `checkpoint_interval`.
    public static let defaultCheckpointInterval = 500

    public init(steps: Int = 1000, stepsPerEpoch: Int? = nil, logInterval: Int = 20,
                checkpointInterval: Int? = LoopConfiguration.defaultCheckpointInterval,
                validateEachEpoch: Bool = true, gradientClipping: GradientClippingOption? = nil, quiet: Bool = false) {
        self.steps = steps
        self.stepsPerEpoch = stepsPerEpoch
        self.logInterval = logInterval
        self.checkpointInterval = checkpointInterval
        self.validateEachEpoch = validateEachEpoch
        self.gradientClipping = gradientClipping
        self.quiet = quiet
    }

    enum CodingKeys: String, CodingKey {
        case steps, stepsPerEpoch = "steps_per_epoch", logInterval = "log_interval"
        case checkpointInterval = "checkpoint_interval", validateEachEpoch = "validate_each_epoch"
        case gradientClipping = "gradient_clipping", quiet
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = LoopConfiguration()
        steps = try container.decodeIfPresent(Int.self, forKey: .steps) ?? defaults.steps
        stepsPerEpoch = try container.decodeIfPresent(Int.self, forKey: .stepsPerEpoch)
        logInterval = try container.decodeIfPresent(Int.self, forKey: .logInterval) ?? defaults.logInterval
        checkpointInterval = try container.decodeIfPresent(Int.self, forKey: .checkpointInterval) ?? defaults.checkpointInterval
        validateEachEpoch = try container.decodeIfPresent(Bool.self, forKey: .validateEachEpoch) ?? defaults.validateEachEpoch
        gradientClipping = try container.decodeIfPresent(GradientClippingOption.self, forKey: .gradientClipping)
        quiet = try container.decodeIfPresent(Bool.self, forKey: .quiet) ?? defaults.quiet
    }

    /// The trainer's options (an epoch of `stepsPerEpoch` steps when set, for every task).
    public var trainerOptions: TrainerOptions {
        TrainerOptions(steps: steps, gradientClipping: gradientClipping, checkpointInterval: checkpointInterval,
                       logInterval: logInterval, stepsPerEpoch: stepsPerEpoch, validatesEachEpoch: validateEachEpoch, quiet: quiet)
    }
}
