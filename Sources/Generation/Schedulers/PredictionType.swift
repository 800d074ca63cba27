/// What the denoising network predicts from x_t (diffusers' `prediction_type`):
///
///     epsilon       ε, the added noise (Ho et al. 2020):        x̂₀ = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t
///     sample        x̂₀ directly
///     v_prediction  v = √ᾱ_t·ε − √(1 − ᾱ_t)·x₀ (Salimans & Ho 2022): x̂₀ = √ᾱ_t·x_t − √(1 − ᾱ_t)·v̂
public enum PredictionType: String, Codable, Sendable, CaseIterable {
    case epsilon
    case sample
    case velocity = "v_prediction"
}
