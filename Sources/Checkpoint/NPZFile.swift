import Foundation

/// NumPy's `.npz` archive (`numpy.savez`, `numpy.savez_compressed`): a zip file whose entries
/// `NAME.npy` are `.npy` arrays, stored or deflated. Read with the zip reader of PyTorch
/// checkpoints; every entry's CRC-32 is checked.
public enum NPZFile {
    /// Every array of the archive, by name without the `.npy` extension.
    public static func read(contentsOf url: URL) throws -> [String: NumPyArray] {
        let archive = try ZipArchive(file: try MemoryMappedFile(path: url.path))
        var arrays: [String: NumPyArray] = [:]
        for entry in archive.entries where !entry.name.hasSuffix("/") {
            guard entry.name.hasSuffix(".npy") else {
                throw CheckpointError.corrupt(path: url.path, part: "zip entry '\(entry.name)'", reason: "an .npz holds only .npy entries")
            }
            let region = try archive.contents(of: entry)
            let name = String(entry.name.dropLast(4))
            let bytes = withExtendedLifetime(region.owner) { Data(region.bytes) }
            guard arrays[name] == nil else { throw CheckpointError.duplicateTensorName(path: url.path, tensor: name) }
            arrays[name] = try NumPyArray(npyBytes: bytes, path: url.path, part: "array '\(name)'")
        }
        return arrays
    }
}
