/// Why a CLIP model could not be built from a checkpoint or a configuration file.
public enum CLIPLoadingError: Error, Equatable, CustomStringConvertible {
    /// The checkpoint's tensors do not tell the model's shape (`reason` names what is missing or odd).
    case cannotInferConfiguration(source: String, reason: String)
    /// A configuration file asks for something these models do not implement.
    case unsupportedConfiguration(source: String, reason: String)
    /// A model directory lacks its weights or configuration.
    case missingFile(directory: String, expected: [String])

    public var description: String {
        switch self {
        case let .cannotInferConfiguration(source, reason):
            return "cannot infer a CLIP configuration from \(source): \(reason)"
        case let .unsupportedConfiguration(source, reason):
            return "\(source) describes a model CLIPKit does not support: \(reason)"
        case let .missingFile(directory, expected):
            return "\(directory) has none of \(expected.joined(separator: ", "))"
        }
    }
}
