/// An image container format recognised from its leading "magic" bytes, never from a file
/// extension (signatures from the PNG, JPEG/JFIF, RIFF/WebP, Netpbm, GIF, TIFF and BMP
/// specifications). `fileExtensions` are the names folders are listed by.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    /// JPEG: starts with the SOI marker `FF D8 FF`.
    case jpeg
    /// PNG: starts with `89 50 4E 47 0D 0A 1A 0A`.
    case png
    /// WebP: `RIFF`, a 4-byte size, then `WEBP`.
    case webp
    /// PGM (Netpbm grey map): `P5` (raw) or `P2` (plain), then whitespace.
    case pgm
    /// GIF: `GIF87a` or `GIF89a` (recognised so the error can name it; not decoded).
    case gif
    /// TIFF: `II*\0` or `MM\0*` (recognised, not decoded).
    case tiff
    /// BMP: `BM` (recognised, not decoded).
    case bmp

    /// The upper-case name used in messages.
    public var name: String {
        switch self {
        case .jpeg: return "JPEG"
        case .png: return "PNG"
        case .webp: return "WebP"
        case .pgm: return "PGM"
        case .gif: return "GIF"
        case .tiff: return "TIFF"
        case .bmp: return "BMP"
        }
    }

    /// Whether `ImageDecoder` decodes this format.
    public var isDecodable: Bool { self == .jpeg || self == .png || self == .webp || self == .pgm }

    /// The lower-case file extensions of this format.
    public var fileExtensions: Set<String> {
        switch self {
        case .jpeg: return ["jpg", "jpeg"]
        case .png: return ["png"]
        case .webp: return ["webp"]
        case .pgm: return ["pgm"]
        case .gif: return ["gif"]
        case .tiff: return ["tif", "tiff"]
        case .bmp: return ["bmp"]
        }
    }

    /// The lower-case extensions of every format `ImageDecoder` decodes (`jpg`, `jpeg`, `png`,
    /// `webp`, `pgm`): the one list by which image folders are listed.
    public static let decodableFileExtensions: Set<String> = Set(allCases.filter(\.isDecodable).flatMap(\.fileExtensions))

    /// The format whose signature `bytes` start with, or nil when none matches.
    public static func detect<Bytes: Collection>(_ bytes: Bytes) -> ImageFormat? where Bytes.Element == UInt8 {
        let head = Array(bytes.prefix(12))
        func starts(with signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset..<offset + signature.count]) == signature
        }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(with: Array("RIFF".utf8)) && starts(with: Array("WEBP".utf8), at: 8) { return .webp }
        if (starts(with: Array("P5".utf8)) || starts(with: Array("P2".utf8))) && head.count > 2
            && (head[2] == 0x20 || (0x09...0x0D).contains(head[2])) { return .pgm }
        if starts(with: Array("GIF87a".utf8)) || starts(with: Array("GIF89a".utf8)) { return .gif }
        if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(with: Array("BM".utf8)) { return .bmp }
        return nil
    }
}
