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
    /// Values of type BYTE, SHORT or LONG with a count of 1 are read (`ExifTags`).
    static func tagValue(inExif payload: [UInt8]) -> Int? {
        guard let tags = ExifTags(payload: payload), let entry = tags.primary.first(where: { $0.tag == Self.tag }) else { return nil }
        return tags.integer(entry)
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
