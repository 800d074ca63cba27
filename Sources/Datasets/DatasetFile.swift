import Checkpoint
import FileSystem
import Foundation

/// Reading dataset files: their bytes (inflated when gzip-compressed), their lines, and their
/// text as strict UTF-8 whose errors name the line and the first byte that is not UTF-8.
enum DatasetFile {
    /// The UTF-8 byte-order mark some editors write first; it is not part of the text.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The file's bytes; `options` may map it instead of reading it. Only regular files are read:
    /// a FIFO or a device such as `/dev/zero` is refused by what it is.
    static func data(of url: URL, options: Data.ReadingOptions = []) throws -> Data {
        let path = FileSystemPath(url)
        let status: FileStatus
        do throws(FileSystemError) { status = try path.status() } catch {
            if case let .failed(_, _, code) = error, code == ENOENT { throw DatasetError.unreadable(path: url.path, reason: "no such file") }
            throw DatasetError.unreadable(path: url.path, reason: error.reason)
        }
        switch status.kind {
        case .regularFile: break
        case .directory: throw DatasetError.unreadable(path: url.path, reason: "it is a folder, not a file")
        default: throw DatasetError.unreadable(path: url.path, reason: "it is \(status.kind), not a regular file")
        }
        if options.contains(.alwaysMapped) || options.contains(.mappedIfSafe) {
            do { return try Data(contentsOf: url, options: options) } catch {
                throw DatasetError.unreadable(path: url.path, reason: error.localizedDescription)
            }
        }
        do throws(FileSystemError) { return Data(try path.contents()) } catch {
            throw DatasetError.unreadable(path: url.path, reason: error.reason)
        }
    }

    /// The file's bytes, inflated when they start with the gzip magic `1f 8b`.
    static func bytesInflatingGzip(of url: URL) throws -> [UInt8] {
        let bytes = [UInt8](try data(of: url))
        guard Inflater.isGzip(bytes) else { return bytes }
        do throws(Inflater.Failure) { return try Inflater.gunzip(bytes) } catch {
            throw DatasetError.corruptGzip(path: url.path, reason: error.reason)
        }
    }

    /// The length of a leading byte-order mark (3 or 0).
    static func byteOrderMarkLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
    }

    /// The lines of `bytes` from `start` (after a byte-order mark): split at `\n`, a `\r` before it
    /// removed; numbered from 1. A last line without `\n` counts; an empty end does not.
    static func lines(in bytes: UnsafeRawBufferPointer, from start: Int = 0) -> [(number: Int, range: Range<Int>)] {
        var lines: [(Int, Range<Int>)] = []
        var lineStart = start, number = 1
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let contentEnd = lineEnd > lineStart && bytes[lineEnd - 1] == UInt8(ascii: "\r") ? lineEnd - 1 : lineEnd
            lines.append((number, lineStart..<contentEnd))
            lineStart = lineEnd + 1
            number += 1
        }
        return lines
    }

    /// `bytes` decoded as UTF-8; throws `DatasetError.malformed` naming `line` and the first byte
    /// that is not UTF-8, with its position when `bytes` start the line (`startsLine`).
    static func text(_ bytes: UnsafeRawBufferPointer, path: String, line: Int, startsLine: Bool = true) throws -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        let offset = firstInvalidUTF8Offset(bytes) ?? 0
        throw notUTF8(path: path, line: line, column: startsLine ? offset + 1 : nil, byte: bytes[offset])
    }

    /// `bytes` decoded as UTF-8, as `text(_:path:line:startsLine:)` does.
    static func text(_ bytes: [UInt8], path: String, line: Int, startsLine: Bool = true) throws -> String {
        try bytes.withUnsafeBytes { try text($0, path: path, line: line, startsLine: startsLine) }
    }

    /// The error for `byte`, which is not UTF-8, on `line` (at byte `column` of it, 1-based, when known).
    static func notUTF8(path: String, line: Int, column: Int?, byte: UInt8) -> DatasetError {
        let place = column.map { " at byte \($0) of the line" } ?? ""
        return .malformed(path: path, line: line, reason: String(format: "byte 0x%02X", byte) + place + " is not UTF-8; save the file as UTF-8")
    }

    /// The offset of the first byte that does not continue a valid UTF-8 sequence.
    static func firstInvalidUTF8Offset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
