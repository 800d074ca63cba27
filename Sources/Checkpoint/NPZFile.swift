import Foundation

/// NumPy's `.npz` archive (`numpy.savez`, `numpy.savez_compressed`): a zip file whose entries
/// `NAME.npy` are `.npy` arrays, stored or deflated. Read with the zip reader of PyTorch
/// checkpoints (every entry's CRC-32 checked); written stored, readable by `numpy.load` (FID
/// statistics in pytorch-fid's layout, `mu` [d] and `sigma` [d, d] in Float64). A written file
/// appears complete or not at all.
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
        guard !arrays.isEmpty else { throw CheckpointError.missingEntry(path: url.path, entry: "*.npy (the archive holds no array)") }
        return arrays
    }

    /// Writes `arrays` as stored members, in name order.
    public static func write(_ arrays: [String: NumPyArray], to url: URL) throws {
        var archive = Data(), directory = Data()
        let names = arrays.keys.sorted()
        for name in names {
            let member = arrays[name]!.npyBytes
            let fileName = Array((name + ".npy").utf8)
            let checksum = member.withUnsafeBytes { Inflater.crc32(of: $0) }
            let offset = UInt32(archive.count)
            guard archive.count + member.count < Int(UInt32.max) else {
                throw CheckpointError.invalidTensorForWriting(path: url.path, tensor: name, reason: "the archive would need zip64")
            }
            // Local header: signature, version 20, flags 0, stored, time/date 0, CRC, sizes, name length, extra 0.
            archive += littleEndian(UInt32(0x0403_4B50)) + littleEndian(UInt16(20)) + littleEndian(UInt16(0)) + littleEndian(UInt16(0))
            archive += littleEndian(UInt16(0)) + littleEndian(UInt16(0x21)) + littleEndian(checksum)
            archive += littleEndian(UInt32(member.count)) + littleEndian(UInt32(member.count))
            archive += littleEndian(UInt16(fileName.count)) + littleEndian(UInt16(0)) + Data(fileName)
            archive += Data(member)
            directory += littleEndian(UInt32(0x0201_4B50)) + littleEndian(UInt16(20)) + littleEndian(UInt16(20))
            directory += littleEndian(UInt16(0)) + littleEndian(UInt16(0)) + littleEndian(UInt16(0)) + littleEndian(UInt16(0x21))
            directory += littleEndian(checksum) + littleEndian(UInt32(member.count)) + littleEndian(UInt32(member.count))
            directory += littleEndian(UInt16(fileName.count)) + littleEndian(UInt16(0)) + littleEndian(UInt16(0))
            directory += littleEndian(UInt16(0)) + littleEndian(UInt16(0)) + littleEndian(UInt32(0)) + littleEndian(offset)
            directory += Data(fileName)
        }
        let directoryOffset = UInt32(archive.count)
        archive += directory
        archive += littleEndian(UInt32(0x0605_4B50)) + littleEndian(UInt16(0)) + littleEndian(UInt16(0))
        archive += littleEndian(UInt16(names.count)) + littleEndian(UInt16(names.count))
        archive += littleEndian(UInt32(directory.count)) + littleEndian(directoryOffset) + littleEndian(UInt16(0))
        do {
            try archive.write(to: url, options: .atomic)
        } catch {
            throw CheckpointError.fileSystem(path: url.path, reason: error.localizedDescription)
        }
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> Data {
        withUnsafeBytes(of: value.littleEndian) { Data($0) }
    }
}
