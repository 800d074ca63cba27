import Foundation

/// A diffusers scheduler's `scheduler_config.json`, field for field under its own names with
/// diffusers' defaults, shared by `DDPMScheduler` and `DDIMScheduler` (`_class_name` says which the
/// folder was saved with). Settings CLIPKit does not implement (dynamic thresholding, learned
/// variances) are rejected when read rather than ignored.
public struct SchedulerConfiguration: Codable, Sendable, Equatable {
    /// `DDPMScheduler`, `DDIMScheduler`, `PNDMScheduler`, … as saved; nil when written by hand.
    public var className: String?
    public var trainingSteps: Int
    public var betaStart: Double
    public var betaEnd: Double
    public var betaSchedule: BetaSchedule
    /// Explicit β₁ … β_T, overriding `betaSchedule`.
    public var trainedBetas: [Float]?
    public var predictionType: PredictionType
    public var timestepSpacing: TimestepSpacing
    public var stepsOffset: Int
    /// Clamp x̂₀ to ±`clipSampleRange` before the update.
    public var clipSample: Bool
    public var clipSampleRange: Float
    /// DDIM: ᾱ before the first step is 1 (true) or ᾱ₀ (false).
    public var setAlphaToOne: Bool
    /// DDPM: the posterior variance (`fixed_small`) or β_t (`fixed_large`).
    public var varianceType: DDPMVariance
    /// Rescale β so that ᾱ_T = 0 (Lin et al. 2024, Algorithm 1).
    public var rescaleBetasZeroSNR: Bool

    public init(trainingSteps: Int = 1000, betaStart: Double = 0.0001, betaEnd: Double = 0.02,
                betaSchedule: BetaSchedule = .linear, trainedBetas: [Float]? = nil, predictionType: PredictionType = .epsilon,
                timestepSpacing: TimestepSpacing = .leading, stepsOffset: Int = 0, clipSample: Bool = true,
                clipSampleRange: Float = 1, setAlphaToOne: Bool = true, varianceType: DDPMVariance = .fixedSmall,
                rescaleBetasZeroSNR: Bool = false, className: String? = nil) {
        self.className = className
        self.trainingSteps = trainingSteps
        self.betaStart = betaStart
        self.betaEnd = betaEnd
        self.betaSchedule = betaSchedule
        self.trainedBetas = trainedBetas
        self.predictionType = predictionType
        self.timestepSpacing = timestepSpacing
        self.stepsOffset = stepsOffset
        self.clipSample = clipSample
        self.clipSampleRange = clipSampleRange
        self.setAlphaToOne = setAlphaToOne
        self.varianceType = varianceType
        self.rescaleBetasZeroSNR = rescaleBetasZeroSNR
    }

    /// Stable Diffusion 1.x's schedule: scaled-linear β from 0.00085 to 0.012 over 1000 steps,
    /// ε-prediction, no clipping, leading spacing with offset 1.
    public static let stableDiffusion = SchedulerConfiguration(
        betaStart: 0.00085, betaEnd: 0.012, betaSchedule: .scaledLinear, stepsOffset: 1, clipSample: false,
        setAlphaToOne: false)

    enum CodingKeys: String, CodingKey {
        case className = "_class_name"
        case trainingSteps = "num_train_timesteps"
        case betaStart = "beta_start"
        case betaEnd = "beta_end"
        case betaSchedule = "beta_schedule"
        case trainedBetas = "trained_betas"
        case predictionType = "prediction_type"
        case timestepSpacing = "timestep_spacing"
        case stepsOffset = "steps_offset"
        case clipSample = "clip_sample"
        case clipSampleRange = "clip_sample_range"
        case setAlphaToOne = "set_alpha_to_one"
        case varianceType = "variance_type"
        case rescaleBetasZeroSNR = "rescale_betas_zero_snr"
        case thresholding
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SchedulerConfiguration()
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        className = try container.decodeIfPresent(String.self, forKey: .className)
        trainingSteps = try value(.trainingSteps, defaults.trainingSteps)
        betaStart = try value(.betaStart, defaults.betaStart)
        betaEnd = try value(.betaEnd, defaults.betaEnd)
        betaSchedule = try value(.betaSchedule, defaults.betaSchedule)
        trainedBetas = try container.decodeIfPresent([Float].self, forKey: .trainedBetas)
        predictionType = try value(.predictionType, defaults.predictionType)
        timestepSpacing = try value(.timestepSpacing, defaults.timestepSpacing)
        stepsOffset = try value(.stepsOffset, defaults.stepsOffset)
        clipSample = try value(.clipSample, defaults.clipSample)
        clipSampleRange = try value(.clipSampleRange, defaults.clipSampleRange)
        setAlphaToOne = try value(.setAlphaToOne, defaults.setAlphaToOne)
        varianceType = try value(.varianceType, defaults.varianceType)
        rescaleBetasZeroSNR = try value(.rescaleBetasZeroSNR, defaults.rescaleBetasZeroSNR)
        if try container.decodeIfPresent(Bool.self, forKey: .thresholding) == true {
            throw DecodingError.dataCorruptedError(forKey: .thresholding, in: container,
                                                   debugDescription: "dynamic thresholding is not supported")
        }
        guard trainingSteps >= 2 else {
            throw DecodingError.dataCorruptedError(forKey: .trainingSteps, in: container,
                                                   debugDescription: "num_train_timesteps must be at least 2, got \(trainingSteps)")
        }
        if let trainedBetas, trainedBetas.count != trainingSteps {
            throw DecodingError.dataCorruptedError(forKey: .trainedBetas, in: container,
                                                   debugDescription: "\(trainedBetas.count) trained betas for \(trainingSteps) steps")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(className, forKey: .className)
        try container.encode(trainingSteps, forKey: .trainingSteps)
        try container.encode(betaStart, forKey: .betaStart)
        try container.encode(betaEnd, forKey: .betaEnd)
        try container.encode(betaSchedule, forKey: .betaSchedule)
        try container.encodeIfPresent(trainedBetas, forKey: .trainedBetas)
        try container.encode(predictionType, forKey: .predictionType)
        try container.encode(timestepSpacing, forKey: .timestepSpacing)
        try container.encode(stepsOffset, forKey: .stepsOffset)
        try container.encode(clipSample, forKey: .clipSample)
        try container.encode(clipSampleRange, forKey: .clipSampleRange)
        try container.encode(setAlphaToOne, forKey: .setAlphaToOne)
        try container.encode(varianceType, forKey: .varianceType)
        try container.encode(rescaleBetasZeroSNR, forKey: .rescaleBetasZeroSNR)
    }

    /// Reads `scheduler_config.json`.
    public static func load(contentsOf url: URL) throws -> SchedulerConfiguration {
        try decodeConfiguration(SchedulerConfiguration.self, contentsOf: url)
    }

    /// The noise schedule these settings define.
    public var noiseSchedule: NoiseSchedule {
        var betas = trainedBetas ?? betaSchedule.betas(count: trainingSteps, start: betaStart, end: betaEnd)
        if rescaleBetasZeroSNR { betas = NoiseSchedule.rescaledToZeroTerminalSNR(betas) }
        return NoiseSchedule(betas: betas)
    }
}

/// The variance of DDPM's ancestral step (diffusers' `variance_type`).
public enum DDPMVariance: String, Codable, Sendable, CaseIterable {
    /// σ_t² = β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t, the true posterior's variance.
    case fixedSmall = "fixed_small"
    /// σ_t² = β_t (Ho et al. 2020 found both work).
    case fixedLarge = "fixed_large"
}
