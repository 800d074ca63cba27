/// Why an indexing run stopped (as opposed to one file failing, which is recorded and skipped).
public enum IndexingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model returned a tensor of the wrong shape.
    case unexpectedModelOutput(model: String, expected: [Int], actual: [Int])
    /// The model's identity has no image preprocessing, so it cannot embed images.
    case noImagePreprocessing(model: String)

    public var description: String {
        switch self {
        case let .unexpectedModelOutput(model, expected, actual):
            return "\(model) returned embeddings of shape \(actual) where \(expected) was expected; "
                + "its identity's dimension must match what it computes"
        case let .noImagePreprocessing(model):
            return "\(model) has no image preprocessing in its identity, so it cannot embed images; "
                + "give its ModelIdentity the preprocessing it was trained with"
        }
    }
}
