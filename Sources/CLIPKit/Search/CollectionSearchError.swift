/// Why a search over a store could not run. Each message says what to do about it.
public enum CollectionSearchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Image→text needs captions, and the store holds none.
    case noCaptions(storePath: String)
    /// The store holds no image embeddings.
    case noImages(storePath: String)
    /// A query image could not be decoded.
    case unreadableQueryImage(path: String, reason: String)
    /// Evaluation needs captions linked to images.
    case nothingToEvaluate(storePath: String, reason: String)
    /// A query vector whose length is not the store's embedding dimension.
    case wrongDimension(expected: Int, given: Int)
    /// A query vector with a NaN or infinite component, or all zeros.
    case invalidQueryVector

    public var description: String {
        switch self {
        case let .noCaptions(path):
            return "the store \(path) holds no captions, so there is nothing to find for an image; index a captioned collection "
                + "(a CSV/TSV caption table, COCO captions or Chinese-CLIP files) into it, or search images with --image"
        case let .noImages(path):
            return "the store \(path) holds no image embeddings; index a collection into it first (clipkit index FOLDER --db \(path))"
        case let .unreadableQueryImage(path, reason):
            return "cannot use \(path) as a query: \(reason)"
        case let .nothingToEvaluate(path, reason):
            return "cannot evaluate retrieval on \(path): \(reason)"
        case let .wrongDimension(expected, given):
            return "the query vector has \(given) components; the store's model embeds into \(expected)"
        case .invalidQueryVector:
            return "the query vector must be finite and not all zeros"
        }
    }
}
