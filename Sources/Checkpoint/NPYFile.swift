import Foundation
import Tensor

/// NumPy's `.npy` format (version 1.0): the magic `\x93NUMPY`, version bytes, a little-endian
/// UInt16 header length and a Python-dict header (`descr`, `fortran_order`, `shape`) space-padded
/// so the data starts 64-byte aligned, then the raw array in C order.
///
/// Writing is Float32 (`<f4`); reading accepts `<f4` and `<f8` in C order (parsed by `NumPyArray`),
/// which covers what `numpy.save` writes for embeddings. Anything else — integers, booleans, half
/// floats — is refused with the reason (`NumPyArray` reads those when a caller wants them).
public enum NPYFile {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Writes `tensor` as `<f4`; the file appears complete or not at all.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        let shapeText = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes = magic + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        var data = Data(bytes)
        tensor.scalars.withUnsafeBytes { data.append(contentsOf: $0) }  // little-endian on every supported platform
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw CheckpointError.fileSystem(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Reads a C-order `<f4` or `<f8` array as Float32.
    public static func read(contentsOf url: URL) throws -> Tensor {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError.fileSystem(path: url.path, reason: error.localizedDescription)
        }
        let array = try NumPyArray(npyBytes: data, path: url.path)
        guard array.elementType == .float32 || array.elementType == .float64 else {
            throw CheckpointError.unsupportedDataType(path: url.path, tensor: "array", dataType: "'\(array.elementType.rawValue)' (expected '<f4' or '<f8')")
        }
        return array.tensor()
    }
}
