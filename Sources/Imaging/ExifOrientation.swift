/// The EXIF/TIFF `Orientation` tag (0x0112): where the stored rows and columns belong on
/// display, named as in TIFF 6.0 ("row 0 is at the top, column 0 at the left" = `topLeft`).
///
/// `transpose` is the operation Pillow's `ImageOps.exif_transpose` applies to show the image
/// upright: 2 mirrors left-right, 3 turns 180°, 4 mirrors top-bottom, 5 transposes, 6 turns 90°
/// clockwise (Pillow's `ROTATE_270`), 7 transverses, 8 turns 90° counter-clockwise (`ROTATE_90`).
public enum ExifOrientation: Int, Sendable, CaseIterable {
    case topLeft = 1
    case topRight = 2
    case bottomRight = 3
    case bottomLeft = 4
    case leftTop = 5
    case rightTop = 6
    case rightBottom = 7
    case leftBottom = 8

    /// The transposition that displays the image upright; nil for `topLeft`.
    public var transpose: Transpose? {
        switch self {
        case .topLeft: return nil
        case .topRight: return .flipLeftRight
        case .bottomRight: return .rotate180
        case .bottomLeft: return .flipTopBottom
        case .leftTop: return .transpose
        case .rightTop: return .rotate270
        case .rightBottom: return .transverse
        case .leftBottom: return .rotate90
        }
    }

    static let tag: UInt16 = 0x0112

    /// The raw orientation value in IFD0 of an Exif payload (`Exif\0\0` followed by a TIFF
    /// header and IFD, CIPA DC-008 §4.5/4.6), or nil when the tag is absent or unreadable.
    /// Values of type BYTE, SHORT or LONG with a count of 1 are read.
    static func tagValue(inExif payload: [UInt8]) -> Int? {
        var tiff = payload[...]
        let prefix: [UInt8] = Array("Exif".utf8) + [0, 0]
        // Pillow strips the prefix up to twice (some writers double it).
        for _ in 0..<2 where tiff.starts(with: prefix) { tiff = tiff.dropFirst(6) }
        let data = Array(tiff)
        guard data.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (data[0], data[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func unsigned16(_ offset: Int) -> Int? {
            guard offset >= 0, offset + 2 <= data.count else { return nil }
            let (a, b) = (Int(data[offset]), Int(data[offset + 1]))
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func unsigned32(_ offset: Int) -> Int? {
            guard let low = unsigned16(littleEndian ? offset : offset + 2),
                  let high = unsigned16(littleEndian ? offset + 2 : offset) else { return nil }
            return low | high << 16
        }
        guard unsigned16(2) == 42, let directory = unsigned32(4), let entryCount = unsigned16(directory) else {
            return nil
        }
        for entry in 0..<entryCount {
            let offset = directory + 2 + entry * 12
            guard let tag = unsigned16(offset), let type = unsigned16(offset + 2),
                  let count = unsigned32(offset + 4) else { return nil }
            guard tag == Int(Self.tag) else { continue }
            guard count == 1 else { return nil }
            switch type {
            case 1: return offset + 8 < data.count ? Int(data[offset + 8]) : nil   // BYTE
            case 3: return unsigned16(offset + 8)                                   // SHORT
            case 4: return unsigned32(offset + 8)                                   // LONG
            default: return nil
            }
        }
        return nil
    }

    /// The digit after the first `tiff:Orientation="` or `tiff:Orientation>` in an XMP packet
    /// (the pattern Pillow searches), or nil when there is none.
    static func tagValue(inXMP packet: [UInt8]) -> Int? {
        let name = Array("tiff:Orientation".utf8)
        var index = 0
        while index + name.count <= packet.count {
            if packet[index..<index + name.count].elementsEqual(name) {
                let after = index + name.count
                if after + 2 < packet.count, packet[after] == UInt8(ascii: "="),
                   packet[after + 1] == UInt8(ascii: "\""), isDigit(packet[after + 2]) {
                    return Int(packet[after + 2] - UInt8(ascii: "0"))
                }
                if after + 1 < packet.count, packet[after] == UInt8(ascii: ">"), isDigit(packet[after + 1]) {
                    return Int(packet[after + 1] - UInt8(ascii: "0"))
                }
            }
            index += 1
        }
        return nil
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

extension RGBImage {
    /// The image as displayed under `orientation` (Pillow's `ImageOps.exif_transpose`).
    public func oriented(_ orientation: ExifOrientation) -> RGBImage {
        guard let transpose = orientation.transpose else { return self }
        return transposed(transpose)
    }
}
