/// How gradients are limited before each optimiser step.
public struct GradientClippingOption: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable {
        /// All gradients scaled together to a global L2 norm ≤ max_norm (PyTorch `clip_grad_norm_`).
        case global
        /// Each parameter's gradient scaled to its own L2 norm ≤ max_norm (Keras `clipnorm`).
        case perTensor = "per_tensor"
    }
    public var mode: Mode
    public var maxNorm: Float

    public init(mode: Mode, maxNorm: Float) {
        self.mode = mode
        self.maxNorm = maxNorm
    }

    enum CodingKeys: String, CodingKey { case mode, maxNorm = "max_norm" }
}

/// The loop's settings.
public struct TrainerOptions: Sendable, Equatable {
    /// Optimiser steps in the whole run.
    public var steps: Int
    /// Gradient clipping before each step (nil: none).
    public var gradientClipping: GradientClippingOption?
    /// Write a checkpoint every this many steps (nil or 0: only at the end).
    public var checkpointInterval: Int?
    /// Steps between training-loss records and progress lines.
    public var logInterval: Int
    /// Steps per epoch, the validation cadence (nil: the batch source's `batchesPerEpoch`, one
    /// pass over its data).
    public var stepsPerEpoch: Int?
    /// Run the validation after every epoch (and at the end).
    public var validatesEachEpoch: Bool
    /// Print nothing but the final summary.
    public var quiet: Bool
    /// Micro-batches per optimiser step: each stage back-propagates the mean of this many
    /// micro-batch losses (1/N each) before its step, which for a loss that averages over
    /// examples equals one batch N times as large. Default 1.
    public var gradientAccumulation: Int

    public init(steps: Int, gradientClipping: GradientClippingOption? = nil, checkpointInterval: Int? = nil,
                logInterval: Int = 10, stepsPerEpoch: Int? = nil, validatesEachEpoch: Bool = true, quiet: Bool = false,
                gradientAccumulation: Int = 1) {
        precondition(gradientAccumulation >= 1, "gradient accumulation needs at least one micro-batch, got \(gradientAccumulation)")
        self.gradientAccumulation = gradientAccumulation
        self.steps = steps
        self.gradientClipping = gradientClipping
        self.checkpointInterval = checkpointInterval
        self.logInterval = logInterval
        self.stepsPerEpoch = stepsPerEpoch
        self.validatesEachEpoch = validatesEachEpoch
        self.quiet = quiet
    }
}
