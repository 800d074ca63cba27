/// The tags of an Exif block (CIPA DC-008 §4.5–4.6): a TIFF structure (TIFF 6.0 §2) — a byte-order
/// mark `II` (little-endian) or `MM` (big-endian), the number 42, the offset of IFD0 — whose IFD0
/// may point (tag 0x8769) to the Exif IFD holding the capture details.
///
/// Read from untrusted bytes, so every step is bounded: offsets and counts are checked against the
/// block before any read, a directory ends at the first entry that runs past the block, and only
/// IFD0 and the one Exif IFD it names are read (no chain of next-IFD links is followed, so a
/// directory that points at itself cannot loop).
struct ExifTags {
    /// One 12-byte directory entry: tag, field type, value count, and where its 4-byte value (or the
    /// offset of a longer value) sits in the block.
    struct Entry {
        var tag: UInt16
        var type: UInt16
        var count: Int
        var valuePosition: Int
    }

    /// Exif IFD pointer (in IFD0).
    static let exifDirectoryTag: UInt16 = 0x8769

    private let data: [UInt8]
    private let littleEndian: Bool
    /// IFD0's entries, in file order.
    let primary: [Entry]
    /// The Exif IFD's entries, in file order (empty when IFD0 names none or it is unreadable).
    let exif: [Entry]

    /// Parses `payload`: an APP1 Exif payload starting `Exif\0\0` (the prefix is dropped up to twice,
    /// as Pillow does for writers that double it) or a bare TIFF structure (PNG's `eXIf` chunk).
    /// Nil when there is no TIFF header or IFD0 cannot be read.
    init?(payload: [UInt8]) {
        var tiff = payload[...]
        let prefix: [UInt8] = Array("Exif".utf8) + [0, 0]
        for _ in 0..<2 where tiff.starts(with: prefix) { tiff = tiff.dropFirst(6) }
        let data = Array(tiff)
        guard data.count >= 8 else { return nil }
        switch (data[0], data[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        self.data = data
        guard Self.unsigned16(data, 2, littleEndian) == 42, let primaryOffset = Self.unsigned32(data, 4, littleEndian),
              let primary = Self.directory(data, at: primaryOffset, littleEndian) else { return nil }
        self.primary = primary
        var exif: [Entry] = []
        if let pointer = primary.first(where: { $0.tag == Self.exifDirectoryTag }), pointer.count == 1, pointer.type == 4 || pointer.type == 13,
           let offset = Self.unsigned32(data, pointer.valuePosition, littleEndian), offset != primaryOffset {
            exif = Self.directory(data, at: offset, littleEndian) ?? []
        }
        self.exif = exif
    }

    /// The value of a BYTE, SHORT or LONG entry with a count of 1; nil for any other shape.
    func integer(_ entry: Entry) -> Int? {
        guard entry.count == 1 else { return nil }
        switch entry.type {
        case 1: return entry.valuePosition < data.count ? Int(data[entry.valuePosition]) : nil   // BYTE
        case 3: return Self.unsigned16(data, entry.valuePosition, littleEndian)                   // SHORT
        case 4: return Self.unsigned32(data, entry.valuePosition, littleEndian)                   // LONG
        default: return nil
        }
    }

    /// The text of an ASCII entry (type 2) up to its first NUL, if it is at most `maximumLength`
    /// bytes and lies inside the block; nil otherwise.
    func ascii(_ entry: Entry, maximumLength: Int = 64) -> String? {
        guard entry.type == 2, entry.count >= 1, entry.count <= maximumLength else { return nil }
        let start: Int
        if entry.count <= 4 {
            start = entry.valuePosition
        } else {
            guard let offset = Self.unsigned32(data, entry.valuePosition, littleEndian) else { return nil }
            start = offset
        }
        guard start >= 0, start <= data.count - entry.count else { return nil }
        let bytes = data[start..<(start + entry.count)]
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The entries of the directory at `offset`: its 2-byte count, then 12-byte entries; an entry
    /// that runs past the block ends the list. Nil when not even the count is inside the block.
    private static func directory(_ data: [UInt8], at offset: Int, _ littleEndian: Bool) -> [Entry]? {
        guard let count = unsigned16(data, offset, littleEndian) else { return nil }
        var entries: [Entry] = []
        for index in 0..<count {
            let position = offset + 2 + index * 12
            guard position + 12 <= data.count, let tag = unsigned16(data, position, littleEndian),
                  let type = unsigned16(data, position + 2, littleEndian), let valueCount = unsigned32(data, position + 4, littleEndian) else { break }
            entries.append(Entry(tag: UInt16(tag), type: UInt16(type), count: valueCount, valuePosition: position + 8))
        }
        return entries
    }

    private static func unsigned16(_ data: [UInt8], _ offset: Int, _ littleEndian: Bool) -> Int? {
        guard offset >= 0, offset <= data.count - 2 else { return nil }
        let (a, b) = (Int(data[offset]), Int(data[offset + 1]))
        return littleEndian ? a | b << 8 : a << 8 | b
    }

    private static func unsigned32(_ data: [UInt8], _ offset: Int, _ littleEndian: Bool) -> Int? {
        guard let low = unsigned16(data, littleEndian ? offset : offset + 2, littleEndian),
              let high = unsigned16(data, littleEndian ? offset + 2 : offset, littleEndian) else { return nil }
        return low | high << 16
    }
}
