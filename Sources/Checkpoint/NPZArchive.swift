import Foundation

/// NumPy's `.npz`: a zip archive with one `.npy` member per array, stored (`numpy.savez`) or
/// deflated (`numpy.savez_compressed`), members named `<array>.npy`. Used for FID statistics in
/// pytorch-fid's layout (`mu` [d], `sigma` [d, d], Float64).
///
/// Reading takes every `<f4`/`<f8` C-order member as Float64; writing stores `<f8` members
/// uncompressed, readable by `numpy.load`. The file appears complete or not at all.
public enum NPZArchive {
    /// One array: its shape and row-major values.
    public struct Array: Sendable, Equatable {
        public var shape: [Int]
        public var values: [Double]

        public init(shape: [Int], values: [Double]) {
            precondition(shape.reduce(1, *) == values.count, "\(values.count) values do not fill shape \(shape)")
            self.shape = shape
            self.values = values
        }
    }

    /// Every array of the archive at `url`, by name (without `.npy`).
    public static func read(contentsOf url: URL) throws -> [String: Array] {
        let archive = try ZipArchive(file: try MemoryMappedFile(path: url.path))
        var arrays: [String: Array] = [:]
        for entry in archive.entries where entry.name.hasSuffix(".npy") {
            let member = try archive.contents(of: entry)
            let (shape, values) = try NPYFile.float64Array(member.array, path: "\(url.path) (\(entry.name))")
            arrays[String(entry.name.dropLast(4))] = Array(shape: shape, values: values)
        }
        guard !arrays.isEmpty else { throw CheckpointError.missingEntry(path: url.path, entry: "*.npy (the archive holds no array)") }
        return arrays
    }

    /// Writes `arrays` as stored `<f8` members, in name order.
    public static func write(_ arrays: [String: Array], to url: URL) throws {
        var archive = Data(), directory = Data()
        let names = arrays.keys.sorted()
        for name in names {
            let array = arrays[name]!
            let member = NPYFile.encodedFloat64(array.values, shape: array.shape)
            let fileName = Swift.Array((name + ".npy").utf8)
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
