/// Splits CSV or TSV text into records (RFC 4180 quoting): a field that starts with `"` runs to
/// the matching `"`, may hold delimiters and newlines, and writes `""` for a quote; a `"` inside
/// an unquoted field is an ordinary character. Lines end with `\n` or `\r\n`; blank lines are skipped.
struct DelimitedTextParser {
    /// One record with the line it starts on (1-based).
    struct Record {
        var line: Int
        var fields: [String]
    }

    let delimiter: UInt8

    func records(in bytes: [UInt8], path: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var index = 0
        var atFieldStart = true, recordStarted = false
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            if recordStarted {
                endField()
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
            atFieldStart = true
            recordStarted = false
        }

        // A UTF-8 byte-order mark is not part of the first field.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote && atFieldStart {
                atFieldStart = false
                recordStarted = true
                index += 1
                while true {
                    guard index < bytes.count else {
                        throw DataSourceError.malformed(path: path, line: recordLine, reason: "a quoted field is never closed")
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
                    if inner == newline { line += 1 }
                    field.append(inner)
                    index += 1
                }
                // Only a delimiter or a line end may follow a closing quote.
                if index < bytes.count, bytes[index] != delimiter, bytes[index] != newline, bytes[index] != carriageReturn {
                    throw DataSourceError.malformed(path: path, line: line,
                                                    reason: "unexpected text after a closing quote (write a quote inside a quoted field as \"\")")
                }
                continue
            }
            if byte == delimiter {
                endField()
                atFieldStart = true
                recordStarted = true
            } else if byte == newline {
                endRecord()
                line += 1
                recordLine = line
            } else if byte == carriageReturn && index + 1 < bytes.count && bytes[index + 1] == newline {
                // The newline that follows ends the record.
            } else {
                field.append(byte)
                atFieldStart = false
                recordStarted = true
            }
            index += 1
        }
        endRecord()
        return records
    }
}
