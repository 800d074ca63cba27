import Foundation

/// JSON Lines (jsonlines.org): one JSON value per line, UTF-8, lines ending in `\n` or `\r\n`.
/// A leading byte-order mark and blank lines are skipped. Errors are `DatasetError.malformed`
/// naming the file, the line and the field (`image_ids[1] must be a string or an integer`).
public enum JSONLines {
    /// One non-blank line: its number and its bytes (valid UTF-8).
    public struct Line: Sendable {
        public var number: Int
        public var bytes: Data
    }

    /// The non-blank lines of `url`, each checked to be UTF-8.
    public static func lines(contentsOf url: URL) throws -> [Line] {
        let data = try DatasetFile.data(of: url)
        return try data.withUnsafeBytes { bytes in
            try DatasetFile.lines(in: bytes, from: DatasetFile.byteOrderMarkLength(bytes)).compactMap { number, range in
                let line = UnsafeRawBufferPointer(rebasing: bytes[range])
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
                _ = try DatasetFile.text(line, path: url.path, line: number)
                return Line(number: number, bytes: Data(line))
            }
        }
    }

    /// Every non-blank line of `url` decoded as `T`, with its line number.
    public static func decode<T: Decodable>(_ type: T.Type, contentsOf url: URL) throws -> [(line: Int, value: T)] {
        let decoder = JSONDecoder()
        return try lines(contentsOf: url).map { line in
            do {
                return (line.number, try decoder.decode(T.self, from: line.bytes))
            } catch let error as DecodingError {
                throw DatasetError.malformed(path: url.path, line: line.number, reason: JSONProblem(error).sentence(topLevel: "the line"))
            }
        }
    }
}
