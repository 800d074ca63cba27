/// The metadata segments of a JPEG file that decide its display orientation, found by walking
/// the marker segments (ITU-T T.81 Annex B) from SOI up to the first start-of-scan.
///
/// Mirrors what Pillow's JPEG plugin collects: APP1 segments starting `Exif\0\0` are
/// concatenated (the first one whole, later ones without their 6-byte prefix) and the last APP1
/// segment starting with the XMP namespace `http://ns.adobe.com/xap/1.0/\0` is kept.
struct JPEGMetadata {
    /// The concatenated Exif payload, starting with `Exif\0\0`, if any.
    private(set) var exif: [UInt8]?
    /// The XMP packet (after the namespace and its zero byte), if any.
    private(set) var xmp: [UInt8]?

    private static let exifPrefix: [UInt8] = Array("Exif".utf8) + [0, 0]
    private static let xmpNamespace: [UInt8] = Array("http://ns.adobe.com/xap/1.0/".utf8) + [0]

    init<Bytes: RandomAccessCollection>(_ bytes: Bytes) where Bytes.Element == UInt8, Bytes.Index == Int {
        let start = bytes.startIndex
        let end = bytes.endIndex
        guard end - start >= 2, bytes[start] == 0xFF, bytes[start + 1] == 0xD8 else { return }
        var position = start + 2
        while position + 1 < end {
            // Skip anything that is not a marker, and fill bytes (repeated 0xFF).
            guard bytes[position] == 0xFF else { position += 1; continue }
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue }
            // Markers without a length field: TEM, RSTn, SOI.
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { position += 2; continue }
            // Start of scan or end of image: no metadata follows that matters here.
            if marker == 0xDA || marker == 0xD9 { return }
            guard position + 3 < end else { return }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            guard length >= 2 else { return }
            let payloadStart = position + 4
            let payloadEnd = min(position + 2 + length, end)
            if marker == 0xE1, payloadStart <= payloadEnd {
                let payload = Array(bytes[payloadStart..<payloadEnd])
                if payload.starts(with: Self.exifPrefix) {
                    if exif == nil { exif = payload } else { exif! += payload.dropFirst(6) }
                } else if payload.starts(with: Self.xmpNamespace) {
                    xmp = Array(payload.dropFirst(Self.xmpNamespace.count))
                }
            }
            position += 2 + length
        }
    }

    /// The orientation to apply: the Exif tag when present, otherwise XMP's `tiff:Orientation`
    /// (Pillow's `Image.getexif` rule), otherwise `.topLeft` (no change).
    var orientation: ExifOrientation {
        if let exif, let value = ExifOrientation.tagValue(inExif: exif) {
            return ExifOrientation(rawValue: value) ?? .topLeft
        }
        if let xmp, let value = ExifOrientation.tagValue(inXMP: xmp) {
            return ExifOrientation(rawValue: value) ?? .topLeft
        }
        return .topLeft
    }
}
