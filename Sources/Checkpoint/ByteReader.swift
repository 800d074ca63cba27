/// A bounds-checked cursor over bytes; every read past the end throws `CheckpointError.truncated`.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    /// Offset of the next byte to read.
    var position: Int
    /// File path and part name used in error messages.
    let path: String
    let part: String

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0, path: String, part: String) {
        self.bytes = bytes
        self.position = position
        self.path = path
        self.part = part
    }

    var remaining: Int { bytes.count - position }
    var isAtEnd: Bool { position >= bytes.count }

    /// Throws unless `count` more bytes are available.
    func require(_ count: Int) throws {
        guard count >= 0, count <= remaining else {
            throw CheckpointError.truncated(path: path, part: "\(part) at byte \(position) (needs \(count) bytes, \(max(remaining, 0)) left)")
        }
    }

    mutating func readBytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        try require(count)
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    mutating func readUInt8() throws -> UInt8 {
        try require(1)
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readUInt16() throws -> UInt16 { try readLittleEndian(UInt16.self) }
    mutating func readUInt32() throws -> UInt32 { try readLittleEndian(UInt32.self) }
    mutating func readUInt64() throws -> UInt64 { try readLittleEndian(UInt64.self) }
    mutating func readInt32() throws -> Int32 { try readLittleEndian(Int32.self) }

    /// A little-endian integer of type `T`.
    mutating func readLittleEndian<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        try require(size)
        defer { position += size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
    }

    /// A big-endian IEEE double (pickle's BINFLOAT).
    mutating func readBigEndianDouble() throws -> Double {
        let bits = try readLittleEndian(UInt64.self).byteSwapped
        return Double(bitPattern: bits)
    }

    /// The bytes up to a newline, which is consumed but not returned.
    mutating func readLine() throws -> UnsafeRawBufferPointer {
        var end = position
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        guard end < bytes.count else {
            throw CheckpointError.truncated(path: path, part: "\(part) at byte \(position) (unterminated line)")
        }
        defer { position = end + 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<end])
    }

    /// A length field that must fit the remaining bytes; guards every allocation sized by the file.
    func checkedLength<T: BinaryInteger>(_ value: T) throws -> Int {
        guard value >= 0, let length = Int(exactly: value), length <= remaining else {
            throw CheckpointError.truncated(path: path, part: "\(part) at byte \(position) (length \(value), \(remaining) bytes left)")
        }
        return length
    }
}
