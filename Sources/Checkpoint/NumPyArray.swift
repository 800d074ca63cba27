import Foundation
import Tensor

/// A NumPy array read from a pickle without NumPy: what `ndarray.__reduce__` records,
///
///     _reconstruct(ndarray, (0,), b'b')  then BUILD (version, shape, dtype, fortran_order, raw bytes)
///     dtype(code, align, copy)           then BUILD (3, byte order, …)
///
/// The `Unpickler` turns those calls into `numpy.ndarray` and `numpy.dtype` objects (nothing is
/// run); `init(_:)` checks the state and `tensor()` converts the elements to Float32 (C or Fortran
/// order, little- or big-endian, float16/32/64, signed and unsigned integers, bool). Object arrays
/// and other types are refused with the reason.
public struct NumPyArray: Sendable, Equatable {
    /// The object type the unpickler records for a reconstructed array.
    public static let typeName = "numpy.ndarray"
    /// The object type the unpickler records for a dtype.
    public static let dataTypeName = "numpy.dtype"

    public let dataType: CheckpointDataType
    public let shape: [Int]
    public let isFortranOrder: Bool
    public let isBigEndian: Bool
    /// The elements' bytes in the array's order.
    public let bytes: [UInt8]

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
        shape = dimensions.map { $0.integerValue! }
        guard case let .object(dtype) = state[2], dtype.typeName == Self.dataTypeName,
              let code = dtype.arguments.first?.stringValue else {
            throw invalid("the element type is not a numpy.dtype")
        }
        let order = dtype.state.elements.flatMap { $0.count > 1 ? $0[1].stringValue : nil } ?? "|"
        if code.drop(while: { "<>|=".contains($0) }).hasPrefix("O") {
            throw CheckpointError.unsupportedFeature(path: path, part: name, feature: "NumPy arrays of Python objects")
        }
        guard let parsed = Self.dataType(code: code) else {
            throw CheckpointError.unsupportedDataType(path: path, tensor: name, dataType: "numpy \(code)")
        }
        dataType = parsed
        isBigEndian = order == ">" && parsed.byteSize > 1
        guard let fortran = state[3].boolValue else { throw invalid("fortran_order is not a bool") }
        isFortranOrder = fortran
        guard case let .bytes(raw) = state[4] else {
            throw CheckpointError.unsupportedFeature(path: path, part: name, feature: "NumPy arrays of Python objects")
        }
        bytes = raw
        guard let count = StridedTensorCopy.elementCount(of: shape), count <= Int.max / 8,
              raw.count == count * parsed.byteSize else {
            throw invalid("\(raw.count) bytes do not hold \(shape) elements of \(parsed)")
        }
    }

    /// NumPy's type codes (`f4`, `<f8`, `i8`, `u1`, `b1`, `?`, and the one-letter forms `f`, `d`, `e`, …).
    static func dataType(code: String) -> CheckpointDataType? {
        var code = Substring(code)
        if let first = code.first, "<>|=".contains(first) { code = code.dropFirst() }
        switch code {
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
        default: return nil
        }
    }

    /// The elements as a C-order Float32 tensor of `shape`.
    public func tensor(name: String, path: String) throws -> Tensor {
        let owner = HeapBytes(count: bytes.count)
        bytes.withUnsafeBytes { owner.pointer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        var strides = StridedTensorCopy.contiguousStrides(of: isFortranOrder ? shape.reversed() : shape)
        if isFortranOrder { strides.reverse() }
        let layout = StridedTensorCopy.Layout(dataType: dataType, shape: shape, strides: strides, offset: 0)
        return try StridedTensorCopy.makeTensor(name: name, path: path, layout: layout, storage: owner.region,
                                                byteSwapped: isBigEndian, sharedStorage: { nil })
    }
}
