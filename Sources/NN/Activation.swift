import Autograd

/// The elementwise activations CLIP-family checkpoints use; the raw values are the names
/// configuration files use.
public enum Activation: String, Codable, Sendable, CaseIterable {
    /// x·Φ(x), exact erf form (Hendrycks & Gimpel 2016).
    case gelu
    /// GELU's tanh approximation.
    case geluTanh = "gelu_new"
    /// x·σ(1.702x), OpenAI CLIP's activation.
    case quickGELU = "quick_gelu"
    case relu
    case relu6
    case sigmoid
    /// x·σ(x).
    case silu
    case tanh

    public func callAsFunction(_ input: Variable) -> Variable {
        switch self {
        case .gelu: input.gelu()
        case .geluTanh: input.geluTanh()
        case .quickGELU: input.quickGELU()
        case .relu: input.relu()
        case .relu6: input.relu6()
        case .sigmoid: input.sigmoid()
        case .silu: input.silu()
        case .tanh: input.tanh()
        }
    }
}
