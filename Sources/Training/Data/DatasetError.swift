/// Why a data set could not be read.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case unreadableFile(path: String, reason: String)
    case corruptGzip(path: String, reason: String)
    case badIDXMagic(path: String, found: [UInt8])
    case unsupportedIDXElementType(path: String, code: UInt8)
    case idxSizeMismatch(path: String, dimensions: [Int], expectedBytes: Int, actualBytes: Int)
    case unexpectedShape(path: String, expected: String, found: [Int])
    case countMismatch(images: Int, labels: Int)
    case labelOutOfRange(path: String, label: Int, classes: Int)
    case emptyDataset(path: String, reason: String)
    case malformedManifest(path: String, line: Int, reason: String)
    case missingColumn(path: String, column: String, available: [String])

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason): "\(path): cannot be read (\(reason))"
        case let .corruptGzip(path, reason): "\(path): corrupt gzip data (\(reason))"
        case let .badIDXMagic(path, found):
            "\(path): not an idx file: the magic number is \(found.map { String(format: "%02x", $0) }.joined(separator: " ")), expected 00 00 <type> <dimensions>"
        case let .unsupportedIDXElementType(path, code):
            "\(path): idx element type 0x\(String(code, radix: 16)) is not supported (only unsigned bytes, 0x08)"
        case let .idxSizeMismatch(path, dimensions, expected, actual):
            "\(path): idx dimensions \(dimensions) need \(expected) data bytes but the file has \(actual)"
        case let .unexpectedShape(path, expected, found): "\(path): expected \(expected), found dimensions \(found)"
        case let .countMismatch(images, labels): "\(images) images but \(labels) labels"
        case let .labelOutOfRange(path, label, classes): "\(path): label \(label) is outside 0..<\(classes)"
        case let .emptyDataset(path, reason): "\(path): no usable examples (\(reason))"
        case let .malformedManifest(path, line, reason): "\(path), line \(line): \(reason)"
        case let .missingColumn(path, column, available):
            "\(path): no column \"\(column)\" (columns: \(available.joined(separator: ", ")))"
        }
    }
}

import Foundation
