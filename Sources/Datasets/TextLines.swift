import FileSystem
import Foundation

/// A plain UTF-8 text file read as one entry per line (texts to embed, label names, prompt
/// templates). Lines end at `\n`, `\r\n` or a lone `\r` (old Mac files), so no two lines are
/// ever merged; a leading byte-order mark is dropped; bytes that are not UTF-8 are an error
/// naming the line. Lines holding nothing visible (empty, whitespace, or only format characters
/// such as zero-width spaces U+200B, joiners, U+FEFF) are not entries: they are counted in
/// `blankLines` so callers report the skip instead of dropping them silently.
public struct TextLines: Sendable, Equatable {
    /// One kept line: its number (1-based) and text.
    public struct Line: Sendable, Equatable {
        public var number: Int
        public var text: String
    }

    /// The lines with something visible on them, in file order.
    public let lines: [Line]
    /// The numbers of the lines skipped because nothing visible is on them (a trailing line end
    /// does not start another line).
    public let blankLines: [Int]

    /// Reads the file at `url`.
    public init(contentsOf url: URL) throws {
        try self.init(Data(DatasetFile.data(of: url)), source: url.path)
    }

    /// Reads `data`; `source` names it in errors (a path or "standard input").
    public init(_ data: Data, source: String) throws {
        let bytes = [UInt8](data)
        var kept: [Line] = [], blank: [Int] = []
        var start = bytes.starts(with: DatasetFile.byteOrderMark) ? DatasetFile.byteOrderMark.count : 0
        var number = 1
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
            let text = try DatasetFile.text(Array(bytes[start..<end]), path: source, line: number)
            if Self.isBlank(text) { blank.append(number) } else { kept.append(Line(number: number, text: text)) }
            // One line end: \r\n counts once.
            start = end + (end + 1 < bytes.count && bytes[end] == 0x0D && bytes[end + 1] == 0x0A ? 2 : 1)
            number += 1
        }
        lines = kept
        blankLines = blank
    }

    /// Whether `text` shows nothing: every scalar is whitespace, a control or a format character.
    public static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isWhitespace || [.control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator]
                .contains(scalar.properties.generalCategory)
        }
    }

    /// "lines 3, 7 and 9" for the report of skipped lines.
    public static func describe(_ numbers: [Int]) -> String {
        let shown = numbers.prefix(10).map(String.init)
        let list = shown.count == 1 ? shown[0] : shown.dropLast().joined(separator: ", ") + " and " + shown.last!
        return (numbers.count == 1 ? "line " : "lines ") + list + (numbers.count > 10 ? " (\(numbers.count) in all)" : "")
    }
}
