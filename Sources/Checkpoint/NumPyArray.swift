import Foundation
import Tensor

/// One array of NumPy's `.npy` format (versions 1–3): the magic `\x93NUMPY`, two version bytes, a
/// little-endian header length (UInt16 in version 1, UInt32 after), a Python-dict header
/// (`descr`, `fortran_order`, `shape`), then the raw elements in C order.
///
/// The elements are kept as bytes in the file's type, so an 8-bit table stays 8-bit (a quantised
/// embedding table is a quarter of its Float32 size); `tensor()` widens numbers to Float32.
/// Little-endian (or byte-order-free) floats, signed and unsigned integers and booleans are read;
/// big-endian, Fortran-order and object arrays are refused with the reason.
public struct NumPyArray: Sendable {
    /// An element type of the `descr` field.
    public enum ElementType: String, Sendable, Equatable {
        case float16 = "<f2", float32 = "<f4", float64 = "<f8"
        case int8 = "|i1", int16 = "<i2", int32 = "<i4", int64 = "<i8"
        case uint8 = "|u1", uint16 = "<u2", uint32 = "<u4", uint64 = "<u8"
        case bool = "|b1"

        /// Bytes per element.
        public var width: Int {
            switch self {
            case .int8, .uint8, .bool: 1
            case .float16, .int16, .uint16: 2
            case .float32, .int32, .uint32: 4
            case .float64, .int64, .uint64: 8
            }
        }

        /// The type a `descr` names; one-byte types are written with `|` or `<` (NumPy writes `|`).
        init?(descr: String) {
            let normalized = descr.count == 3 && (descr.hasPrefix("<") || descr.hasPrefix("=")) && descr.hasSuffix("1")
                ? "|" + descr.dropFirst() : descr.hasPrefix("=") ? "<" + descr.dropFirst() : descr
            self.init(rawValue: normalized)
        }
    }

    public let shape: [Int]
    public let elementType: ElementType
    /// The elements' bytes in C order, `count × elementType.width` of them, little-endian.
    public let data: Data

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    public init(shape: [Int], elementType: ElementType, data: Data) {
        precondition(data.count == shape.reduce(1, *) * elementType.width, "\(data.count) bytes do not hold \(shape) of \(elementType)")
        self.shape = shape
        self.elementType = elementType
        self.data = data
    }

    /// Parses a whole `.npy` file's bytes; `path` and `part` name it in errors.
    public init(npyBytes bytes: Data, path: String, part: String = "array") throws {
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, Array(bytes.prefix(6)) == magic else {
            throw CheckpointError.unrecognizedFormat(path: path, reason: "\(part): no .npy magic number")
        }
        let start = bytes.startIndex
        let major = bytes[start + 6]
        let lengthBytes = major == 1 ? 2 : 4
        guard major >= 1 && major <= 3, bytes.count >= 8 + lengthBytes else {
            throw CheckpointError.unsupportedFeature(path: path, part: part, feature: ".npy version \(major)")
        }
        var headerLength = 0
        for index in 0..<lengthBytes { headerLength |= Int(bytes[start + 8 + index]) << (8 * index) }
        let dataStart = 8 + lengthBytes + headerLength
        guard bytes.count >= dataStart else { throw CheckpointError.truncated(path: path, part: "\(part) header") }
        let header = String(decoding: bytes[(start + 8 + lengthBytes)..<(start + dataStart)], as: UTF8.self)
        let descr = try Self.field("descr", in: header, path: path, part: part)
        guard try Self.field("fortran_order", in: header, path: path, part: part) == "False" else {
            throw CheckpointError.unsupportedFeature(path: path, part: part, feature: "Fortran-order arrays")
        }
        let shapeText = try Self.field("shape", in: header, path: path, part: part)
        let shape = try shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { piece -> Int in
                guard let value = Int(piece), value >= 0 else {
                    throw CheckpointError.corrupt(path: path, part: part, reason: "bad shape \(shapeText)")
                }
                return value
            }
        let unquoted = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        guard let elementType = ElementType(descr: unquoted) else {
            throw CheckpointError.unsupportedDataType(path: path, tensor: part, dataType: descr)
        }
        let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        guard count < Int.max / elementType.width, bytes.count - dataStart >= count * elementType.width else {
            throw CheckpointError.truncated(path: path, part: "\(part) data (\(shape) of \(descr))")
        }
        self.init(shape: shape, elementType: elementType,
                  data: Data(bytes[(start + dataStart)..<(start + dataStart + count * elementType.width)]))
    }

    /// The elements as a Float32 tensor of `shape` (integers and booleans converted, doubles rounded).
    public func tensor() -> Tensor {
        let count = self.count
        let type = elementType
        let scalars: [Float] = data.withUnsafeBytes { raw in
            (0..<count).map { index -> Float in
                let offset = index * type.width
                switch type {
                case .float16: return Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
                case .float32: return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                case .float64: return Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
                case .int8: return Float(raw.load(fromByteOffset: offset, as: Int8.self))
                case .uint8, .bool: return Float(raw.load(fromByteOffset: offset, as: UInt8.self))
                case .int16: return Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
                case .uint16: return Float(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                case .int32: return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                case .uint32: return Float(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                case .int64: return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
                case .uint64: return Float(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                }
            }
        }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// The elements of an 8-bit unsigned array as they are.
    public func unsignedBytes() throws -> [UInt8] {
        guard elementType == .uint8 else {
            throw CheckpointError.unsupportedDataType(path: "array", tensor: "\(shape)", dataType: "\(elementType.rawValue) (expected |u1)")
        }
        return [UInt8](data)
    }

    /// The value text of `'key': value` in a header dict: a quoted string, a word or a tuple.
    static func field(_ key: String, in header: String, path: String, part: String) throws -> String {
        guard let keyRange = header.range(of: "'\(key)':") else {
            throw CheckpointError.corrupt(path: path, part: "\(part) header", reason: "no '\(key)' in \(header.prefix(120))")
        }
        let rest = header[keyRange.upperBound...].drop { $0 == " " }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else {
                throw CheckpointError.corrupt(path: path, part: "\(part) header", reason: "unclosed shape")
            }
            return String(rest[...close])
        }
        let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
        return rest[..<end].trimmingCharacters(in: .whitespaces)
    }
}
