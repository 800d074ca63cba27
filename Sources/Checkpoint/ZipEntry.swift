/// One file of a zip archive, as its central directory describes it.
struct ZipEntry: Sendable {
    /// Compression of the entry's bytes.
    enum Method: Equatable, Sendable {
        case stored
        case deflated
        case other(UInt16)
    }

    let name: String
    let method: Method
    /// General-purpose flags; bit 0 marks encryption.
    let flags: UInt16
    let crc32: UInt32
    let compressedSize: Int
    let uncompressedSize: Int
    /// File offset of the entry's local header.
    let localHeaderOffset: Int

    var isEncrypted: Bool { flags & 1 != 0 }
}
