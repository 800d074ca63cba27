import Foundation

/// How the forward-process variances β₁ … β_T grow (diffusers' `beta_schedule`; the raw values are
/// its names):
///
///     linear          β_t = β_start + (β_end − β_start)·(t − 1)/(T − 1)            (Ho et al. 2020)
///     scaled_linear   β_t = (√β_start + (√β_end − √β_start)·(t − 1)/(T − 1))²      (Stable Diffusion)
///     squaredcos_cap_v2  β_t = min(1 − ᾱ(t/T)/ᾱ((t − 1)/T), 0.999),
///                     ᾱ(s) = cos²((s + 0.008)/1.008 · π/2)                        (Nichol & Dhariwal 2021)
public enum BetaSchedule: String, Codable, Sendable, CaseIterable {
    case linear
    case scaledLinear = "scaled_linear"
    case squaredCosine = "squaredcos_cap_v2"

    /// β₁ … β_T for `count` training steps (computed in double precision, stored as Float32 like
    /// diffusers' float32 tensors).
    public func betas(count: Int, start: Double, end: Double) -> [Float] {
        precondition(count >= 2, "a beta schedule needs at least 2 training steps, got \(count)")
        func evenlySpaced(_ first: Double, _ last: Double) -> [Double] {
            (0..<count).map { first + (last - first) * Double($0) / Double(count - 1) }
        }
        switch self {
        case .linear:
            return evenlySpaced(start, end).map(Float.init)
        case .scaledLinear:
            return evenlySpaced(start.squareRoot(), end.squareRoot()).map { Float($0 * $0) }
        case .squaredCosine:
            func cumulativeAlpha(_ fraction: Double) -> Double {
                let angle = (fraction + 0.008) / 1.008 * Double.pi / 2
                return cos(angle) * cos(angle)
            }
            return (0..<count).map { step in
                let before = Double(step) / Double(count), after = Double(step + 1) / Double(count)
                return Float(min(1 - cumulativeAlpha(after) / cumulativeAlpha(before), 0.999))
            }
        }
    }
}
