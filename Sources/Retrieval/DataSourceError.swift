/// Why a data source (image folder, caption table, COCO or Chinese-CLIP files) could not be read.
public enum DataSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file or folder is missing or cannot be read.
    case unreadable(path: String, reason: String)
    /// A table lacks a named column.
    case missingColumn(path: String, column: String, available: [String])
    /// A line or record is malformed.
    case malformed(path: String, line: Int, reason: String)
    /// A caption refers to an item that the source does not hold.
    case unknownItem(path: String, captionKey: String, itemKey: String)
    /// A path whose layout is not recognised (or a layout that does not fit the path).
    case unknownFormat(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .missingColumn(path, column, available):
            return "\(path) has no column \"\(column)\" (its header has: \(available.joined(separator: ", "))); "
                + "name the right column in the source's options"
        case let .malformed(path, line, reason):
            return "\(path), line \(line): \(reason)"
        case let .unknownItem(path, captionKey, itemKey):
            return "\(path): caption \(captionKey) refers to item \(itemKey), which the source does not hold; "
                + "fix the reference or add the item"
        case let .unknownFormat(path, reason):
            return "\(path): \(reason)"
        }
    }
}
