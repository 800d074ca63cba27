import Foundation

/// Which S of the T training timesteps a sampler visits, largest first (diffusers'
/// `timestep_spacing`; Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps are
/// Flawed", Table 2):
///
///     leading   t_i = i·⌊T/S⌋ + offset,          i = S−1 … 0
///     trailing  t_i = round(T − i·T/S) − 1,       i = 0 … S−1
///     linspace  t_i = round(i·(T − 1)/(S − 1)),   i = S−1 … 0
public enum TimestepSpacing: String, Codable, Sendable, CaseIterable {
    case leading
    case trailing
    case linspace

    /// The visited timesteps, in sampling order (descending).
    public func timesteps(count: Int, trainingSteps: Int, offset: Int) -> [Int] {
        precondition(count >= 1 && count <= trainingSteps,
                     "the number of sampling steps must be in 1...\(trainingSteps), got \(count)")
        switch self {
        case .leading:
            let ratio = trainingSteps / count
            return (0..<count).reversed().map { $0 * ratio + offset }
        case .trailing:
            // NumPy's arange(T, 0, −T/S): ⌈T/(T/S)⌉ values start + i·δ with δ = (start − T/S) − start,
            // which for some S is one value more than S (diffusers then visits S + 1 timesteps).
            let ratio = Double(trainingSteps) / Double(count), start = Double(trainingSteps)
            let length = Int((-start / -ratio).rounded(.up)), delta = (start - ratio) - start
            return (0..<length).map { Int((start + Double($0) * delta).rounded(.toNearestOrEven)) - 1 }
        case .linspace:
            // NumPy's linspace(0, T − 1, S): i·((T − 1)/(S − 1)), the last value exactly T − 1.
            if count == 1 { return [0] }
            let step = Double(trainingSteps - 1) / Double(count - 1)
            return (0..<count).reversed().map { index in
                index == count - 1 ? trainingSteps - 1 : Int((Double(index) * step).rounded(.toNearestOrEven))
            }
        }
    }
}
