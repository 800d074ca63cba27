import Foundation

/// Why a dataset file or folder could not be read. Every case names the file or folder; text
/// formats name the line (1-based) and JSON documents the record (`annotations[3].bbox`); each
/// message says what is wrong.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file or folder is missing or cannot be read.
    case unreadable(path: String, reason: String)
    /// A line of a text file (or the record that starts on it) breaks its format.
    case malformed(path: String, line: Int, reason: String)
    /// A record of a JSON document breaks its format; `record` is its path in the document
    /// (`annotations[3].bbox`, empty for the top level) and `reason` completes the sentence
    /// (`must be an array of 4 numbers`).
    case malformedRecord(path: String, record: String, reason: String)
    /// A table lacks a named column; `available` lists the columns its header has.
    case missingColumn(path: String, column: String, available: [String])
    /// A record refers to something the file does not list (a caption's image, a box's category).
    case unknownReference(path: String, record: String, reference: String)
    /// A path whose layout is not recognised, or a layout that does not fit the path.
    case unknownFormat(path: String, reason: String)
    /// Gzip-compressed data that does not inflate.
    case corruptGzip(path: String, reason: String)
    /// An idx file whose first four bytes are not `00 00 <type> <rank>`.
    case badIDXMagic(path: String, found: [UInt8])
    /// An idx element type other than unsigned bytes.
    case unsupportedIDXElementType(path: String, code: UInt8)
    /// An idx file whose data length does not match its dimensions.
    case idxSizeMismatch(path: String, dimensions: [Int], expectedBytes: Int, actualBytes: Int)
    /// An array of the wrong rank or size for its role.
    case unexpectedShape(path: String, expected: String, found: [Int])
    /// Image and label files that disagree on the number of examples.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    /// A label outside `0..<classes`.
    case labelOutOfRange(path: String, label: Int, classes: Int)
    /// A dataset that holds no usable example.
    case emptyDataset(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformed(path, line, reason):
            return "\(path), line \(line): \(reason)"
        case let .malformedRecord(path, record, reason):
            return "\(path): \(record.isEmpty ? "the file" : record) \(reason)"
        case let .missingColumn(path, column, available):
            return "\(path) has no column \"\(column)\" (its header has: \(available.joined(separator: ", ")))"
        case let .unknownReference(path, record, reference):
            return "\(path): \(record) refers to \(reference), which the file does not list"
        case let .unknownFormat(path, reason):
            return "\(path): \(reason)"
        case let .corruptGzip(path, reason):
            return "\(path): corrupt gzip data (\(reason))"
        case let .badIDXMagic(path, found):
            return "\(path): not an idx file: the magic number is \(found.map { String(format: "%02x", $0) }.joined(separator: " ")), "
                + "expected 00 00 <type> <dimensions>"
        case let .unsupportedIDXElementType(path, code):
            return "\(path): idx element type 0x\(String(code, radix: 16)) is not supported (only unsigned bytes, 0x08)"
        case let .idxSizeMismatch(path, dimensions, expected, actual):
            return "\(path): idx dimensions \(dimensions) need \(expected) data bytes but the file has \(actual)"
        case let .unexpectedShape(path, expected, found):
            return "\(path): expected \(expected), found dimensions \(found)"
        case let .countMismatch(imagesPath, images, labelsPath, labels):
            return "\(imagesPath) holds \(images) images but \(labelsPath) holds \(labels) labels"
        case let .labelOutOfRange(path, label, classes):
            return "\(path): label \(label) is outside 0..<\(classes)"
        case let .emptyDataset(path, reason):
            return "\(path): no usable examples (\(reason))"
        }
    }
}
