/// Why a diffusion model, adapter or generation run could not be set up. One error type for the
/// Generation target.
public enum GenerationError: Error, CustomStringConvertible, Equatable {
    /// A configuration file or value is malformed or asks for something not implemented.
    case invalidConfiguration(source: String, reason: String)
    /// A folder lacks a file a model needs.
    case missingFile(path: String)
    /// A generation or training request is inconsistent.
    case invalidRequest(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(source, reason): return "\(source): \(reason)"
        case let .missingFile(path): return "\(path) is missing"
        case let .invalidRequest(reason): return reason
        }
    }
}
