import Models
import Foundation
import Retrieval

/// What a user searches a collection with.
public enum SearchQuery: Sendable, Equatable {
    /// A description; finds images (text→image).
    case text(String)
    /// An image file; finds similar images (image→image).
    case image(URL)
    /// An image file; finds the indexed captions that describe it best (image→text).
    case captionsOf(URL)

    public var direction: RetrievalDirection {
        switch self {
        case .text: return .textToImage
        case .image: return .imageToImage
        case .captionsOf: return .imageToText
        }
    }
}
