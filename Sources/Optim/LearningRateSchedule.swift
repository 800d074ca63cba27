import Foundation

/// The learning rate as a function of the step number (0-based).
public enum LearningRateSchedule: Codable, Sendable, Equatable {
    /// A fixed rate.
    case constant(Float)
    /// Linear warm-up from 0 over `warmupSteps`, then cosine decay to `minimum` at `totalSteps`
    /// (Loshchilov & Hutter 2017, SGDR without restarts; the CLIP recipe).
    case cosineWithWarmup(peak: Float, warmupSteps: Int, totalSteps: Int, minimum: Float = 0)
    /// Multiplies the rate by `factor` every `stepSize` steps.
    case stepDecay(initial: Float, stepSize: Int, factor: Float)

    public func learningRate(atStep step: Int) -> Float {
        switch self {
        case .constant(let rate):
            return rate
        case let .cosineWithWarmup(peak, warmupSteps, totalSteps, minimum):
            if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
            let progress = Float(step - warmupSteps) / Float(Swift.max(totalSteps - warmupSteps, 1))
            return minimum + (peak - minimum) * 0.5 * (1 + cos(Float.pi * Swift.min(progress, 1)))
        case let .stepDecay(initial, stepSize, factor):
            return initial * pow(factor, Float(step / Swift.max(stepSize, 1)))
        }
    }
}
