/// What an indexed item holds.
public enum ContentKind: String, Codable, Sendable, CaseIterable {
    /// An encoded image (JPEG, PNG, WebP), in a file or embedded in a data file.
    case image
    /// A text document embedded as one item (not a caption of another item).
    case text
}
