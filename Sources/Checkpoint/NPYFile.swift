import Foundation
import Tensor

/// NumPy's `.npy` files of embeddings: writing is Float32 (`<f4`, C order); reading accepts `<f4`
/// and `<f8` (parsed by `NumPyArray`), which covers what `numpy.save` writes for embeddings.
/// Anything else — integers, booleans, half floats — is refused with the reason (`NumPyArray`
/// reads those when a caller wants them).
public enum NPYFile {
    /// Writes `tensor` as `<f4`; the file appears complete or not at all.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        var data = Data(NumPyArray.npyHeader(descr: "<f4", shape: tensor.shape))
        tensor.scalars.withUnsafeBytes { data.append(contentsOf: $0) }  // little-endian on every supported platform
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw CheckpointError.fileSystem(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Reads a `<f4` or `<f8` array as Float32.
    public static func read(contentsOf url: URL) throws -> Tensor {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError.fileSystem(path: url.path, reason: error.localizedDescription)
        }
        let array = try NumPyArray(npyBytes: data, path: url.path)
        guard array.dataType == .float32 || array.dataType == .float64 else {
            throw CheckpointError.unsupportedDataType(path: url.path, tensor: "array", dataType: "\(array.dataType) (expected '<f4' or '<f8')")
        }
        return try array.tensor(path: url.path)
    }
}
