/// Why a BERT model, a sentence-transformers folder or a Chinese-CLIP text tower could not be loaded.
public enum BERTLoadingError: Error, Equatable, CustomStringConvertible {
    /// A file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A configuration file is not valid JSON of the expected form, or asks for something unsupported.
    case invalidConfiguration(path: String, reason: String)
    /// A model folder lacks a file it needs.
    case missingFile(directory: String, expected: [String])
    /// A sentence-transformers pipeline holds a module this library does not implement.
    case unsupportedModule(path: String, type: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .invalidConfiguration(path, reason):
            return "\(path) is not a usable configuration: \(reason)"
        case let .missingFile(directory, expected):
            return "\(directory) has none of \(expected.joined(separator: ", "))"
        case let .unsupportedModule(path, type):
            return "\(path): module type \(type) is not supported (Transformer, Pooling and Normalize are)"
        }
    }
}
