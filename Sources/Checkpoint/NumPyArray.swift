import Foundation
import Tensor

/// A NumPy array without NumPy, from either of the two places arrays come in:
///
/// - a `.npy` file or `.npz` member (format versions 1–3): the magic `\x93NUMPY`, two version
///   bytes, a little-endian header length (UInt16 in version 1, UInt32 after), a Python-dict header
///   (`descr`, `fortran_order`, `shape`), then the raw elements;
/// - a pickle, where `ndarray.__reduce__` records
///
///       _reconstruct(ndarray, (0,), b'b')  then BUILD (version, shape, dtype, fortran_order, raw bytes)
///       dtype(code, align, copy)           then BUILD (3, byte order, …)
///
///   and the whitelist `Unpickler` turns those calls into `numpy.ndarray` and `numpy.dtype`
///   objects (nothing is run).
///
/// The elements stay bytes in the array's own type, so an 8-bit table stays 8-bit (a quantised
/// embedding table is a quarter of its Float32 size); `tensor(name:path:)` widens numbers to
/// Float32 in any order and byte order, `float64Values` reads floats exactly. Object arrays and
/// unknown types are refused with the reason.
public struct NumPyArray: Sendable, Equatable {
    /// The object type the unpickler records for a reconstructed array.
    public static let typeName = "numpy.ndarray"
    /// The object type the unpickler records for a dtype.
    public static let dataTypeName = "numpy.dtype"
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    public let dataType: CheckpointDataType
    public let shape: [Int]
    public let isFortranOrder: Bool
    public let isBigEndian: Bool
    /// The elements' bytes in the array's order, `count × dataType.byteSize` of them.
    public let bytes: [UInt8]

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    public init(shape: [Int], dataType: CheckpointDataType, bytes: [UInt8], isFortranOrder: Bool = false, isBigEndian: Bool = false) {
        precondition(bytes.count == shape.reduce(1, *) * dataType.byteSize, "\(bytes.count) bytes do not hold \(shape) of \(dataType)")
        self.shape = shape
        self.dataType = dataType
        self.bytes = bytes
        self.isFortranOrder = isFortranOrder
        self.isBigEndian = isBigEndian && dataType.byteSize > 1
    }

    /// A C-order little-endian `<f8` array of `shape` holding `values` (FID statistics).
    public init(float64 values: [Double], shape: [Int]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        self.init(shape: shape, dataType: .float64, bytes: bytes)
    }

    /// The array an unpickled `numpy.ndarray` object describes, or nil when `value` is not one.
    /// - Parameter name: the array's path in the pickle, for errors.
    public init?(_ value: PickleValue, name: String, path: String) throws {
        guard case let .object(object) = value, object.typeName == Self.typeName else { return nil }
        func invalid(_ reason: String) -> CheckpointError { .invalidTensor(path: path, tensor: name, reason: reason) }
        guard let state = object.state.elements, state.count == 5 else {
            throw invalid("a NumPy array's state is (version, shape, dtype, fortran_order, data), got \(object.state)")
        }
        guard let dimensions = state[1].elements, dimensions.allSatisfy({ ($0.integerValue ?? -1) >= 0 }) else {
            throw invalid("the shape \(state[1]) is not a tuple of non-negative integers")
        }
        let shape = dimensions.map { $0.integerValue! }
        guard case let .object(dtype) = state[2], dtype.typeName == Self.dataTypeName,
              let code = dtype.arguments.first?.stringValue else {
            throw invalid("the element type is not a numpy.dtype")
        }
        let order = dtype.state.elements.flatMap { $0.count > 1 ? $0[1].stringValue : nil } ?? "|"
        let dataType = try Self.dataType(code: code, path: path, part: name)
        guard let fortran = state[3].boolValue else { throw invalid("fortran_order is not a bool") }
        guard case let .bytes(raw) = state[4] else {
            throw CheckpointError.unsupportedFeature(path: path, part: name, feature: "NumPy arrays of Python objects")
        }
        guard let count = StridedTensorCopy.elementCount(of: shape), count <= Int.max / 8, raw.count == count * dataType.byteSize else {
            throw invalid("\(raw.count) bytes do not hold \(shape) elements of \(dataType)")
        }
        self.init(shape: shape, dataType: dataType, bytes: raw, isFortranOrder: fortran, isBigEndian: order == ">")
    }

    /// Parses a whole `.npy` file's bytes; `path` and `part` name it in errors.
    public init(npyBytes: Data, path: String, part: String = "array") throws {
        let bytes = [UInt8](npyBytes)
        guard bytes.count >= 10, Array(bytes.prefix(6)) == Self.magic else {
            throw CheckpointError.unrecognizedFormat(path: path, reason: "\(part): no .npy magic number")
        }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        guard major >= 1 && major <= 3, bytes.count >= 8 + lengthBytes else {
            throw CheckpointError.unsupportedFeature(path: path, part: part, feature: ".npy version \(major)")
        }
        var headerLength = 0
        for index in 0..<lengthBytes { headerLength |= Int(bytes[8 + index]) << (8 * index) }
        let dataStart = 8 + lengthBytes + headerLength
        guard bytes.count >= dataStart else { throw CheckpointError.truncated(path: path, part: "\(part) header") }
        let header = String(decoding: bytes[(8 + lengthBytes)..<dataStart], as: UTF8.self)
        let descr = try Self.field("descr", in: header, path: path, part: part).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        let fortran: Bool
        switch try Self.field("fortran_order", in: header, path: path, part: part) {
        case "False": fortran = false
        case "True": fortran = true
        case let other: throw CheckpointError.corrupt(path: path, part: "\(part) header", reason: "fortran_order is \(other)")
        }
        let shapeText = try Self.field("shape", in: header, path: path, part: part)
        let shape = try shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { piece -> Int in
                guard let value = Int(piece), value >= 0 else {
                    throw CheckpointError.corrupt(path: path, part: part, reason: "bad shape \(shapeText)")
                }
                return value
            }
        let dataType = try Self.dataType(code: descr, path: path, part: part)
        let count = StridedTensorCopy.elementCount(of: shape) ?? Int.max
        guard count < Int.max / dataType.byteSize, bytes.count - dataStart >= count * dataType.byteSize else {
            throw CheckpointError.truncated(path: path, part: "\(part) data (\(shape) of \(descr))")
        }
        self.init(shape: shape, dataType: dataType, bytes: Array(bytes[dataStart..<(dataStart + count * dataType.byteSize)]),
                  isFortranOrder: fortran, isBigEndian: descr.hasPrefix(">"))
    }

    /// The array as a `.npy` file (version 1.0, the header space-padded so the data starts 64-byte
    /// aligned), readable by `numpy.load`.
    public var npyBytes: [UInt8] {
        let order = dataType.byteSize == 1 ? "|" : (isBigEndian ? ">" : "<")
        return Self.npyHeader(descr: order + Self.code(of: dataType), shape: shape, isFortranOrder: isFortranOrder) + bytes
    }

    /// Magic, version 1.0, length and the space-padded header dict, ending 64-byte aligned.
    static func npyHeader(descr: String, shape: [Int], isFortranOrder: Bool = false) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': \(isFortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = UInt16(header.utf8.count)
        return magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8)
    }

    /// The element type a NumPy type code names (`f4`, `<f8`, `i8`, `|u1`, `b1`, `?`, and the
    /// one-letter forms `f`, `d`, `e`, …); object arrays and unknown codes throw naming the code.
    static func dataType(code: String, path: String, part: String) throws -> CheckpointDataType {
        var stripped = Substring(code)
        if let first = stripped.first, "<>|=".contains(first) { stripped = stripped.dropFirst() }
        switch stripped {
        case "f2", "e": return .float16
        case "f4", "f": return .float32
        case "f8", "d": return .float64
        case "i1", "b": return .int8
        case "i2", "h": return .int16
        case "i4", "i": return .int32
        case "i8", "l", "q": return .int64
        case "u1", "B": return .uint8
        case "u2", "H": return .uint16
        case "u4", "I": return .uint32
        case "u8", "L", "Q": return .uint64
        case "b1", "?": return .bool
        case let other where other.hasPrefix("O"):
            throw CheckpointError.unsupportedFeature(path: path, part: part, feature: "NumPy arrays of Python objects")
        default:
            throw CheckpointError.unsupportedDataType(path: path, tensor: part, dataType: "numpy \(code)")
        }
    }

    /// NumPy's two-character code for `dataType` (without the byte order).
    static func code(of dataType: CheckpointDataType) -> String {
        switch dataType {
        case .float16: "f2"
        case .float32: "f4"
        case .float64: "f8"
        case .int8: "i1"
        case .int16: "i2"
        case .int32: "i4"
        case .int64: "i8"
        case .uint8: "u1"
        case .uint16: "u2"
        case .uint32: "u4"
        case .uint64: "u8"
        case .bool: "b1"
        case .bfloat16, .float8E4M3, .float8E5M2: "V\(dataType.byteSize)"
        }
    }

    /// The elements as a C-order Float32 tensor of `shape` (integers and booleans converted,
    /// doubles rounded).
    public func tensor(name: String = "array", path: String = "") throws -> Tensor {
        let owner = HeapBytes(count: bytes.count)
        bytes.withUnsafeBytes { owner.pointer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        var strides = StridedTensorCopy.contiguousStrides(of: isFortranOrder ? shape.reversed() : shape)
        if isFortranOrder { strides.reverse() }
        let layout = StridedTensorCopy.Layout(dataType: dataType, shape: shape, strides: strides, offset: 0)
        return try StridedTensorCopy.makeTensor(name: name, path: path, layout: layout, storage: owner.region,
                                                byteSwapped: isBigEndian, sharedStorage: { nil })
    }

    /// The elements of a C-order float array widened to Float64 exactly (statistics kept in
    /// Float64, such as FID's covariance).
    public func float64Values(path: String, part: String = "array") throws -> [Double] {
        guard !isFortranOrder else { throw CheckpointError.unsupportedFeature(path: path, part: part, feature: "Fortran-order statistics") }
        return try bytes.withUnsafeBytes { raw -> [Double] in
            switch dataType {
            case .float64:
                return (0..<count).map { index in
                    let bits = raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
                    return Double(bitPattern: isBigEndian ? UInt64(bigEndian: bits) : UInt64(littleEndian: bits))
                }
            case .float32:
                return (0..<count).map { index in
                    let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
                    return Double(Float(bitPattern: isBigEndian ? UInt32(bigEndian: bits) : UInt32(littleEndian: bits)))
                }
            default:
                throw CheckpointError.unsupportedDataType(path: path, tensor: part, dataType: "\(dataType) (expected float32 or float64)")
            }
        }
    }

    /// The elements of an 8-bit unsigned array as they are.
    public func unsignedBytes() throws -> [UInt8] {
        guard dataType == .uint8 else {
            throw CheckpointError.unsupportedDataType(path: "array", tensor: "\(shape)", dataType: "\(dataType) (expected uint8)")
        }
        return bytes
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
