import Foundation
import PostgresNIO

/// A pgvector value on the wire. Queries send vectors as text (`[0.25,-1,…]`, each Float32 in its
/// shortest round-tripping form, so the server parses back the exact values) cast with
/// `$n::vector`; results arrive in pgvector's binary form (`int16` dimension, `int16` unused, then
/// big-endian `float4`s; selected as `::vector`, so `halfvec` columns widen on the server) or, from
/// text-format results, as the bracketed list.
struct PostgresVector: PostgresDecodable {
    var values: [Float]

    init(values: [Float]) { self.values = values }

    /// `values` in pgvector's text form.
    static func text(_ values: [Float]) -> String {
        "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
    }

    /// `text(_:)` of `count` values at `pointer`.
    static func text(_ pointer: UnsafePointer<Float>, count: Int) -> String {
        text(Array(UnsafeBufferPointer(start: pointer, count: count)))
    }

    init<JSONDecoder: PostgresJSONDecoder>(from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
                                           context: PostgresDecodingContext<JSONDecoder>) throws {
        switch format {
        case .binary:
            guard let dimension = buffer.readInteger(as: UInt16.self), buffer.readInteger(as: UInt16.self) != nil,
                  buffer.readableBytes == Int(dimension) * 4 else { throw PostgresDecodingError.Code.failure }
            values = (0..<Int(dimension)).map { _ in Float(bitPattern: buffer.readInteger(as: UInt32.self)!) }
        case .text:
            let text = buffer.readString(length: buffer.readableBytes) ?? ""
            let parsed = text.trimmingCharacters(in: ["[", "]"]).split(separator: ",").map { Float($0) }
            guard text.hasPrefix("["), parsed.allSatisfy({ $0 != nil }) else { throw PostgresDecodingError.Code.failure }
            values = parsed.map { $0! }
        }
    }
}
