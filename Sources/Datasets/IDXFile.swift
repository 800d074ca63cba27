import Foundation

/// An array in the idx format of LeCun's MNIST distribution (also Fashion-MNIST's): a 4-byte
/// magic number `00 00 <type> <rank>`, `rank` big-endian UInt32 dimensions, then the elements in
/// row-major order. Only unsigned-byte elements (type 0x08) are read, which is what image and
/// label files use. Files may be gzip-compressed.
public struct IDXFile: Sendable, Equatable {
    /// The size of each axis.
    public let dimensions: [Int]
    /// The elements, row-major.
    public let bytes: [UInt8]

    public init(dimensions: [Int], bytes: [UInt8]) {
        precondition(dimensions.reduce(1, *) == bytes.count, "idx dimensions \(dimensions) do not fit \(bytes.count) bytes")
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// Reads and validates an idx file (gzipped or not).
    public init(contentsOf url: URL) throws {
        try self.init(parsing: try DatasetFile.bytesInflatingGzip(of: url), path: url.path)
    }

    /// Parses idx bytes; `path` names the source in errors.
    public init(parsing data: [UInt8], path: String) throws {
        guard data.count >= 4, data[0] == 0, data[1] == 0, (1...4).contains(data[3]) else {
            throw DatasetError.badIDXMagic(path: path, found: Array(data.prefix(4)))
        }
        guard data[2] == 0x08 else { throw DatasetError.unsupportedIDXElementType(path: path, code: data[2]) }
        let rank = Int(data[3])
        let headerSize = 4 + 4 * rank
        guard data.count >= headerSize else {
            throw DatasetError.idxSizeMismatch(path: path, dimensions: [], expectedBytes: headerSize, actualBytes: data.count)
        }
        var dimensions: [Int] = []
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            dimensions.append(Int(data[offset]) << 24 | Int(data[offset + 1]) << 16 | Int(data[offset + 2]) << 8 | Int(data[offset + 3]))
        }
        let expected = dimensions.reduce(1, *)
        guard data.count - headerSize == expected else {
            throw DatasetError.idxSizeMismatch(path: path, dimensions: dimensions, expectedBytes: expected,
                                               actualBytes: data.count - headerSize)
        }
        self.dimensions = dimensions
        bytes = Array(data[headerSize...])
    }

    /// The file's bytes in the idx format (uncompressed).
    public func serialized() -> [UInt8] {
        var result: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for dimension in dimensions {
            result += [UInt8(dimension >> 24 & 0xFF), UInt8(dimension >> 16 & 0xFF), UInt8(dimension >> 8 & 0xFF), UInt8(dimension & 0xFF)]
        }
        return result + bytes
    }
}
