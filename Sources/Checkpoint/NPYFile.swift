import Foundation
import Tensor

/// NumPy's `.npy` format (version 1.0): the magic `\x93NUMPY`, version bytes, a little-endian
/// UInt16 header length and a Python-dict header (`descr`, `fortran_order`, `shape`) space-padded
/// so the data starts 64-byte aligned, then the raw array in C order.
///
/// Writing is Float32 (`<f4`) for tensors and Float64 (`<f8`) for statistics; reading accepts `<f4`
/// and `<f8` in C order, which covers what `numpy.save` writes for embeddings and FID statistics.
/// Anything else is refused with the reason.
public enum NPYFile {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Writes `tensor` as `<f4`; the file appears complete or not at all.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        var data = Data(header(descr: "<f4", shape: tensor.shape))
        tensor.scalars.withUnsafeBytes { data.append(contentsOf: $0) }  // little-endian on every supported platform
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw CheckpointError.fileSystem(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Reads a C-order `<f4` or `<f8` array as Float32.
    public static func read(contentsOf url: URL) throws -> Tensor {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError.fileSystem(path: path, reason: error.localizedDescription)
        }
        let (shape, values) = try float64Array([UInt8](data), path: path)
        return Tensor(shape: shape, scalars: values.map { Float($0) })
    }

    /// The shape and values of a C-order `<f4` or `<f8` array held in `bytes` (a `.npy` file or an
    /// `.npz` member), widened to Float64 exactly.
    public static func float64Array(_ bytes: [UInt8], path: String) throws -> (shape: [Int], values: [Double]) {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw CheckpointError.unrecognizedFormat(path: path, reason: "no .npy magic number")
        }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        guard major >= 1 && major <= 3, bytes.count >= 8 + lengthBytes else {
            throw CheckpointError.unsupportedFeature(path: path, part: "header", feature: ".npy version \(major)")
        }
        var headerLength = 0
        for index in 0..<lengthBytes { headerLength |= Int(bytes[8 + index]) << (8 * index) }
        let dataStart = 8 + lengthBytes + headerLength
        guard bytes.count >= dataStart else { throw CheckpointError.truncated(path: path, part: "header") }
        let header = String(decoding: bytes[(8 + lengthBytes)..<dataStart], as: UTF8.self)
        let descr = try field("descr", in: header, path: path)
        guard try field("fortran_order", in: header, path: path) == "False" else {
            throw CheckpointError.unsupportedFeature(path: path, part: "header", feature: "Fortran-order arrays")
        }
        let shapeText = try field("shape", in: header, path: path)
        let shape = try shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { piece -> Int in
                guard let value = Int(piece), value >= 0 else {
                    throw CheckpointError.corrupt(path: path, part: "header", reason: "bad shape \(shapeText)")
                }
                return value
            }
        let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        let width: Int
        switch descr {
        case "'<f4'": width = 4
        case "'<f8'": width = 8
        default: throw CheckpointError.unsupportedDataType(path: path, tensor: "array", dataType: descr)
        }
        guard count < Int.max / width, bytes.count - dataStart >= count * width else {
            throw CheckpointError.truncated(path: path, part: "array data (\(shape) of \(descr))")
        }
        let values: [Double] = bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart
            return width == 4
                ? (0..<count).map { Double(Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))) }
                : (0..<count).map { Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
        return (shape, values)
    }

    /// A `.npy` (version 1.0) holding `values` as a C-order `<f8` array of `shape`.
    public static func encodedFloat64(_ values: [Double], shape: [Int]) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "\(values.count) values do not fill shape \(shape)")
        var bytes = header(descr: "<f8", shape: shape)
        bytes.reserveCapacity(bytes.count + values.count * 8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        return bytes
    }

    /// Magic, version 1.0, length and the space-padded header dict, ending 64-byte aligned.
    static func header(descr: String, shape: [Int]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = UInt16(header.utf8.count)
        return magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8)
    }

    /// The value text of `'key': value` in a header dict: a quoted string, a word or a tuple.
    static func field(_ key: String, in header: String, path: String) throws -> String {
        guard let keyRange = header.range(of: "'\(key)':") else {
            throw CheckpointError.corrupt(path: path, part: "header", reason: "no '\(key)' in \(header.prefix(120))")
        }
        let rest = header[keyRange.upperBound...].drop { $0 == " " }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { throw CheckpointError.corrupt(path: path, part: "header", reason: "unclosed shape") }
            return String(rest[...close])
        }
        let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
        return rest[..<end].trimmingCharacters(in: .whitespaces)
    }
}
