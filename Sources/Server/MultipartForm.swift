import Foundation

/// A `multipart/form-data` body (RFC 7578) split into its fields: each part's name, optional file
/// name, content type and bytes. Immich's machine-learning client posts `entries` (JSON text) and a
/// `text` field or an `image` file this way.
struct MultipartForm {
    struct Part {
        var name: String
        var fileName: String?
        var contentType: String?
        var content: Data
        var text: String? { String(data: content, encoding: .utf8) }
    }

    var parts: [Part]

    /// The first part named `name`.
    subscript(name: String) -> Part? { parts.first { $0.name == name } }

    /// Parses `body` with the boundary of `contentType` (`multipart/form-data; boundary=…`).
    init(body: Data, contentType: String?) throws {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
              let boundary = Self.parameter("boundary", in: contentType), !boundary.isEmpty, boundary.utf8.count <= 200 else {
            throw ServerError.badRequest("expected a multipart/form-data body with a boundary")
        }
        let bytes = [UInt8]("\r\n".utf8) + [UInt8](body)
        let delimiter = [UInt8]("\r\n--\(boundary)".utf8)
        var starts = Self.occurrences(of: delimiter, in: bytes)
        guard starts.count >= 2 else { throw ServerError.badRequest("malformed multipart body: no closing boundary") }
        let closing = starts.last!
        guard bytes.count >= closing + delimiter.count + 2,
              bytes[closing + delimiter.count] == UInt8(ascii: "-"), bytes[closing + delimiter.count + 1] == UInt8(ascii: "-") else {
            throw ServerError.badRequest("malformed multipart body: the last boundary is not closed with --")
        }
        starts.removeLast()
        var parts: [Part] = []
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1] : closing
            var partStart = start + delimiter.count
            // Transport padding after the boundary, then CRLF.
            while partStart < end, bytes[partStart] == UInt8(ascii: " ") || bytes[partStart] == UInt8(ascii: "\t") { partStart += 1 }
            guard partStart + 2 <= end, bytes[partStart] == 13, bytes[partStart + 1] == 10 else {
                throw ServerError.badRequest("malformed multipart body: a boundary is not followed by a line break")
            }
            parts.append(try Self.part(Array(bytes[(partStart + 2)..<end])))
        }
        self.parts = parts
    }

    private static func part(_ bytes: [UInt8]) throws -> Part {
        guard let split = occurrences(of: Array("\r\n\r\n".utf8), in: bytes, limit: 1).first else {
            throw ServerError.badRequest("malformed multipart body: a part has no blank line after its headers")
        }
        let headerText = String(decoding: bytes[..<split], as: UTF8.self)
        var name: String?, fileName: String?, contentType: String?
        for line in headerText.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if field == "content-disposition" {
                name = parameter("name", in: value)
                fileName = parameter("filename", in: value)
            } else if field == "content-type" {
                contentType = value
            }
        }
        guard let name else { throw ServerError.badRequest("malformed multipart body: a part has no Content-Disposition name") }
        return Part(name: name, fileName: fileName, contentType: contentType, content: Data(bytes[(split + 4)...]))
    }

    /// The value of `key=value` or `key="value"` among `;`-separated header parameters.
    static func parameter(_ key: String, in header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var value = pair[1]
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// Start offsets of non-overlapping occurrences of `pattern` in `bytes`.
    private static func occurrences(of pattern: [UInt8], in bytes: [UInt8], limit: Int = .max) -> [Int] {
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return [] }
        var found: [Int] = []
        var position = 0
        let first = pattern[0]
        while position <= bytes.count - pattern.count, found.count < limit {
            if bytes[position] == first, bytes[position..<(position + pattern.count)].elementsEqual(pattern) {
                found.append(position)
                position += pattern.count
            } else {
                position += 1
            }
        }
        return found
    }
}
