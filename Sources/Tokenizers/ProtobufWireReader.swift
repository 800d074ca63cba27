/// Reads Protocol Buffers' binary wire format field by field, without generated code: each field
/// is a varint key `number << 3 | wireType` followed by a varint (type 0), 8 bytes (type 1), a
/// varint length and that many bytes (type 2: strings, bytes, nested messages, packed arrays) or
/// 4 bytes (type 5). Groups (types 3, 4) are refused. Enough to read SentencePiece's `ModelProto`;
/// a nested message is read by a reader over its byte range.
struct ProtobufWireReader {
    /// A field's payload.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case lengthDelimited(Range<Int>)
        case fixed32(UInt32)
    }

    /// Thrown for bytes that are not a well-formed message.
    struct Malformed: Error {
        let reason: String
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        position = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    /// The next field, or nil at the end of the message.
    mutating func nextField() throws(Malformed) -> (number: Int, value: Value)? {
        guard position < end else { return nil }
        let key = try readVarint()
        let number = Int(key >> 3)
        guard number > 0 else { throw Malformed(reason: "field number 0 at byte \(position)") }
        switch key & 7 {
        case 0:
            return (number, .varint(try readVarint()))
        case 1:
            return (number, .fixed64(try readLittleEndian(byteCount: 8)))
        case 2:
            let length = try readVarint()
            guard length <= UInt64(end - position) else {
                throw Malformed(reason: "field \(number) claims \(length) bytes, \(end - position) remain")
            }
            let start = position
            position += Int(length)
            return (number, .lengthDelimited(start..<position))
        case 5:
            return (number, .fixed32(UInt32(try readLittleEndian(byteCount: 4))))
        case let other:
            throw Malformed(reason: "field \(number) has wire type \(other), which SentencePiece models do not use")
        }
    }

    private mutating func readVarint() throws(Malformed) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw Malformed(reason: "a varint runs past the end of its message") }
            guard shift < 64 else { throw Malformed(reason: "a varint is longer than 10 bytes") }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func readLittleEndian(byteCount: Int) throws(Malformed) -> UInt64 {
        guard end - position >= byteCount else { throw Malformed(reason: "a fixed-width field runs past the end of its message") }
        var result: UInt64 = 0
        for index in 0..<byteCount { result |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += byteCount
        return result
    }

    /// The UTF-8 text of a length-delimited field.
    func string(_ range: Range<Int>) throws(Malformed) -> String {
        guard let text = String(validating: bytes[range], as: UTF8.self) else {
            throw Malformed(reason: "a string field at byte \(range.lowerBound) is not UTF-8")
        }
        return text
    }
}
