/// The `eXIf` chunk of a PNG file (PNG Extensions 1.5.0 §3.7; PNG 3rd edition §11.3.6): an Exif
/// block as a bare TIFF structure, found by walking the chunks from the signature.
///
/// Bounded for untrusted bytes: each step moves past one whole chunk (at least 12 bytes), a chunk
/// whose declared length runs past the file ends the walk, and the walk stops at `IEND`. CRCs are
/// not checked (a damaged date is refused by its own checks).
enum PNGExifChunk {
    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The payload of the first `eXIf` chunk, or nil when the bytes are not a PNG or have none.
    static func payload<Bytes: RandomAccessCollection>(in bytes: Bytes) -> [UInt8]? where Bytes.Element == UInt8, Bytes.Index == Int {
        let start = bytes.startIndex, end = bytes.endIndex
        guard end - start >= 8, bytes[start..<(start + 8)].elementsEqual(signature) else { return nil }
        var position = start + 8
        while end - position >= 12 {
            let length = bytes[position..<(position + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = Array(bytes[(position + 4)..<(position + 8)])
            guard length <= end - position - 12 else { return nil }
            if type == Array("eXIf".utf8) { return Array(bytes[(position + 8)..<(position + 8 + length)]) }
            if type == Array("IEND".utf8) { return nil }
            position += 12 + length
        }
        return nil
    }
}
