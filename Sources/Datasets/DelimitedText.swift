import Foundation

/// CSV or TSV text split into records by RFC 4180's quoting rules:
/// - a field that starts with `"` runs to the matching `"`, may hold delimiters and line breaks,
///   and writes `""` for a quote; only a delimiter or a line end may follow its closing quote;
/// - a `"` inside an unquoted field is an ordinary character (as Python's `csv` reads it);
/// - records end with `\r\n`, `\n` or a lone `\r`; blank lines are skipped; a UTF-8 byte-order
///   mark before the first field is dropped;
/// - every field must be UTF-8.
/// Errors name the file and the line (the line a record starts on, for an unclosed quote).
public struct DelimitedText: Sendable {
    /// One record with the line it starts on (1-based).
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]

        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    /// The field separator, one ASCII byte (`,` or tab).
    public let delimiter: UInt8

    public init(delimiter: UInt8) {
        precondition(delimiter < 0x80 && delimiter != UInt8(ascii: "\"") && delimiter != UInt8(ascii: "\n")
                     && delimiter != UInt8(ascii: "\r"), "the delimiter must be one ASCII character other than a quote or a line end")
        self.delimiter = delimiter
    }

    /// Tab for `.tsv` and `.tab` files, comma otherwise.
    public static func defaultDelimiter(for url: URL) -> UInt8 {
        ["tsv", "tab"].contains(url.pathExtension.lowercased()) ? UInt8(ascii: "\t") : UInt8(ascii: ",")
    }

    /// The records of the file at `url`.
    public func records(contentsOf url: URL) throws -> [Record] {
        let data = try DatasetFile.data(of: url)
        return try data.withUnsafeBytes { try records(in: $0, path: url.path) }
    }

    /// The records of `bytes`; `path` names them in errors.
    public func records(in bytes: UnsafeRawBufferPointer, path: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var index = DatasetFile.byteOrderMarkLength(bytes)
        var atFieldStart = true, recordStarted = false
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

        func endField() throws {
            fields.append(try DatasetFile.text(field, path: path, line: recordLine, startsLine: false))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() throws {
            if recordStarted {
                try endField()
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
            atFieldStart = true
            recordStarted = false
        }

        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote && atFieldStart {
                atFieldStart = false
                recordStarted = true
                index += 1
                while true {
                    guard index < bytes.count else {
                        throw DatasetError.malformed(path: path, line: recordLine,
                                                     reason: "a quoted field is never closed (the file ends inside it)")
                    }
                    let inner = bytes[index]
                    if inner == quote {
                        if index + 1 < bytes.count && bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    if inner == newline || (inner == carriageReturn && (index + 1 == bytes.count || bytes[index + 1] != newline)) {
                        line += 1
                    }
                    field.append(inner)
                    index += 1
                }
                if index < bytes.count, bytes[index] != delimiter, bytes[index] != newline, bytes[index] != carriageReturn {
                    throw DatasetError.malformed(path: path, line: line,
                                                 reason: "unexpected text after a closing quote (write a quote inside a quoted field as \"\")")
                }
                continue
            }
            if byte == delimiter {
                try endField()
                atFieldStart = true
                recordStarted = true
            } else if byte == newline || byte == carriageReturn {
                if byte == carriageReturn && index + 1 < bytes.count && bytes[index + 1] == newline { index += 1 }
                try endRecord()
                line += 1
                recordLine = line
            } else {
                field.append(byte)
                atFieldStart = false
                recordStarted = true
            }
            index += 1
        }
        try endRecord()
        return records
    }
}
