import Foundation

/// What a `DecodingError` says, in the words of a dataset error: where in the JSON value
/// (`annotations[3].bbox`, empty for the top level) and what is wrong there (`lacks "image_id"`,
/// `must be an integer`), to be read as one sentence.
/// Readers' own checks throw `DecodingError.dataCorrupted` with the reason as its description.
struct JSONProblem: Equatable {
    /// The path to the offending value, empty for the top level.
    var record: String
    var reason: String

    init(record: String, reason: String) {
        self.record = record
        self.reason = reason
    }

    init(_ error: DecodingError) {
        switch error {
        case let .keyNotFound(key, context):
            self.init(record: Self.path(context.codingPath), reason: "lacks \"\(key.stringValue)\"")
        case let .typeMismatch(type, context):
            self.init(record: Self.path(context.codingPath), reason: "must be \(Self.name(of: type))")
        case let .valueNotFound(type, context):
            self.init(record: Self.path(context.codingPath), reason: "must be \(Self.name(of: type)), found null")
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {  // the parser's error: readers' own checks name a field
                self.init(record: "", reason: "is not valid JSON")
            } else {
                self.init(record: Self.path(context.codingPath), reason: context.debugDescription)
            }
        @unknown default:
            self.init(record: "", reason: "\(error)")
        }
    }

    /// `record reason`, with `topLevel` ("the line", "the file") naming an empty record.
    func sentence(topLevel: String) -> String { "\(record.isEmpty ? topLevel : record) \(reason)" }

    /// `annotations[3].bbox`.
    static func path(_ codingPath: [CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }

    static func name(of type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt8.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is [Any].Type: return "an array"
        case is [String: Any].Type: return "a JSON object"
        default:
            return "\(type)".hasPrefix("Array<") ? "an array" : "a JSON object"
        }
    }

    /// Decodes a JSON document, turning decoding errors into `DatasetError.malformedRecord`.
    static func decodeDocument<T: Decodable>(_ type: T.Type, from data: Data, path: String) throws -> T {
        let start = data.starts(with: DatasetFile.byteOrderMark) ? DatasetFile.byteOrderMark.count : 0
        let body = data.dropFirst(start)
        if String(validating: body, as: UTF8.self) == nil {
            throw body.withUnsafeBytes { bytes -> DatasetError in
                let bad = DatasetFile.firstInvalidUTF8Offset(bytes) ?? 0
                let line = 1 + bytes[..<bad].lazy.filter { $0 == UInt8(ascii: "\n") }.count
                let lineStart = bytes[..<bad].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                return DatasetFile.notUTF8(path: path, line: line, column: bad - lineStart + 1, byte: bytes[bad])
            }
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            let problem = JSONProblem(error)
            throw DatasetError.malformedRecord(path: path, record: problem.record, reason: problem.reason)
        }
    }
}
