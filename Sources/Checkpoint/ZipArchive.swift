/// A read-only zip archive over a memory-mapped file: the container of PyTorch checkpoints.
///
/// Reads the end-of-central-directory record (and its ZIP64 form, which PyTorch always writes),
/// the central directory with ZIP64 extra fields, and each entry's local header. Entries are
/// stored (PyTorch's tensor records, 64-byte aligned, returned in place) or deflated (inflated with
/// zlib). Sizes come from the central directory, since PyTorch's local headers defer them to data
/// descriptors. Multi-disk archives and encryption are refused.
final class ZipArchive: @unchecked Sendable {
    let file: MemoryMappedFile
    /// Entries in central-directory order.
    let entries: [ZipEntry]
    private let index: [String: Int]

    private var path: String { file.path }

    private enum Signature {
        static let localHeader: UInt32 = 0x0403_4B50
        static let centralHeader: UInt32 = 0x0201_4B50
        static let endOfCentralDirectory: UInt32 = 0x0605_4B50
        static let zip64EndOfCentralDirectory: UInt32 = 0x0606_4B50
        static let zip64Locator: UInt32 = 0x0706_4B50
    }

    init(file: MemoryMappedFile) throws {
        self.file = file
        let bytes = file.bytes
        let path = file.path
        func corrupt(_ reason: String) -> CheckpointError {
            .corrupt(path: path, part: "zip directory", reason: reason)
        }

        // End of central directory: 22 bytes plus a comment of at most 65535 bytes, at the end.
        let endRecordSize = 22
        guard bytes.count >= endRecordSize else {
            throw CheckpointError.truncated(path: path, part: "zip end-of-central-directory record")
        }
        var endOffset: Int?
        var candidate = bytes.count - endRecordSize
        let lowest = max(0, bytes.count - endRecordSize - 0xFFFF)
        while candidate >= lowest {
            if bytes.loadUnaligned(fromByteOffset: candidate, as: UInt32.self) == Signature.endOfCentralDirectory.littleEndian {
                let commentLength = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: candidate + 20, as: UInt16.self)))
                if candidate + endRecordSize + commentLength <= bytes.count {
                    endOffset = candidate
                    break
                }
            }
            candidate -= 1
        }
        guard let endOffset else { throw corrupt("no end-of-central-directory record (not a zip file, or truncated)") }

        var reader = ByteReader(bytes, position: endOffset + 4, path: path, part: "zip end-of-central-directory record")
        let diskNumber = try reader.readUInt16()
        let directoryDisk = try reader.readUInt16()
        _ = try reader.readUInt16()  // entries on this disk
        var entryCount = Int(try reader.readUInt16())
        var directorySize = Int(try reader.readUInt32())
        var directoryOffset = Int(try reader.readUInt32())
        guard diskNumber == 0, directoryDisk == 0 else {
            throw CheckpointError.unsupportedFeature(path: path, part: "zip directory", feature: "multi-disk archives")
        }
        var directoryLimit = endOffset

        // ZIP64: a locator just before the end record points at the 64-bit end record.
        if endOffset >= 20,
           bytes.loadUnaligned(fromByteOffset: endOffset - 20, as: UInt32.self) == Signature.zip64Locator.littleEndian {
            var locator = ByteReader(bytes, position: endOffset - 16, path: path, part: "zip64 locator")
            _ = try locator.readUInt32()  // disk with the zip64 record
            let recordOffset = try locator.readUInt64()
            guard recordOffset <= UInt64(endOffset - 20) else { throw corrupt("zip64 end record offset \(recordOffset) is outside the file") }
            var record = ByteReader(bytes, position: Int(recordOffset), path: path, part: "zip64 end-of-central-directory record")
            guard try record.readUInt32() == Signature.zip64EndOfCentralDirectory else {
                throw corrupt("zip64 end-of-central-directory signature missing at byte \(recordOffset)")
            }
            _ = try record.readUInt64()  // record size
            _ = try record.readUInt16()  // version made by
            _ = try record.readUInt16()  // version needed
            let disk64 = try record.readUInt32()
            let directoryDisk64 = try record.readUInt32()
            guard disk64 == 0, directoryDisk64 == 0 else {
                throw CheckpointError.unsupportedFeature(path: path, part: "zip directory", feature: "multi-disk archives")
            }
            _ = try record.readUInt64()  // entries on this disk
            let count64 = try record.readUInt64()
            let size64 = try record.readUInt64()
            let offset64 = try record.readUInt64()
            guard count64 <= UInt64(bytes.count), size64 <= UInt64(bytes.count), offset64 <= UInt64(bytes.count) else {
                throw corrupt("zip64 directory fields exceed the file size")
            }
            entryCount = Int(count64)
            directorySize = Int(size64)
            directoryOffset = Int(offset64)
            directoryLimit = Int(recordOffset)
        }
        guard directoryOffset <= directoryLimit, directorySize <= directoryLimit - directoryOffset else {
            throw corrupt("central directory (offset \(directoryOffset), size \(directorySize)) lies outside the file")
        }
        // Each central header is at least 46 bytes: this bounds the allocation below.
        guard entryCount <= directorySize / 46 else {
            throw corrupt("\(entryCount) entries cannot fit a central directory of \(directorySize) bytes")
        }

        let directory = UnsafeRawBufferPointer(rebasing: bytes[directoryOffset..<(directoryOffset + directorySize)])
        var cursor = ByteReader(directory, path: path, part: "zip central directory")
        var entries: [ZipEntry] = []
        entries.reserveCapacity(entryCount)
        for _ in 0..<entryCount {
            entries.append(try Self.centralEntry(from: &cursor, fileSize: bytes.count, path: path))
        }
        self.entries = entries
        var index: [String: Int] = [:]
        for (position, entry) in entries.enumerated() where index[entry.name] == nil {
            index[entry.name] = position
        }
        self.index = index
    }

    private static func centralEntry(from cursor: inout ByteReader, fileSize: Int, path: String) throws -> ZipEntry {
        let start = cursor.position
        func corrupt(_ reason: String) -> CheckpointError {
            .corrupt(path: path, part: "zip central directory at entry offset \(start)", reason: reason)
        }
        guard try cursor.readUInt32() == Signature.centralHeader else { throw corrupt("central header signature missing") }
        _ = try cursor.readUInt16()  // version made by
        _ = try cursor.readUInt16()  // version needed
        let flags = try cursor.readUInt16()
        let methodCode = try cursor.readUInt16()
        _ = try cursor.readUInt32()  // time and date
        let crc = try cursor.readUInt32()
        var compressedSize = UInt64(try cursor.readUInt32())
        var uncompressedSize = UInt64(try cursor.readUInt32())
        let nameLength = Int(try cursor.readUInt16())
        let extraLength = Int(try cursor.readUInt16())
        let commentLength = Int(try cursor.readUInt16())
        let diskStart = try cursor.readUInt16()
        _ = try cursor.readUInt16()  // internal attributes
        _ = try cursor.readUInt32()  // external attributes
        var localOffset = UInt64(try cursor.readUInt32())
        let nameBytes = try cursor.readBytes(nameLength)
        let extra = try cursor.readBytes(extraLength)
        _ = try cursor.readBytes(commentLength)
        let name = String(decoding: nameBytes, as: UTF8.self)

        // ZIP64 extended information (id 1) replaces the 32-bit fields that read 0xFFFFFFFF, in order.
        var extraReader = ByteReader(extra, path: path, part: "zip extra field of '\(name)'")
        while extraReader.remaining >= 4 {
            let identifier = try extraReader.readUInt16()
            let size = Int(try extraReader.readUInt16())
            var block = ByteReader(try extraReader.readBytes(size), path: path, part: "zip64 extra field of '\(name)'")
            guard identifier == 0x0001 else { continue }
            if uncompressedSize == 0xFFFF_FFFF { uncompressedSize = try block.readUInt64() }
            if compressedSize == 0xFFFF_FFFF { compressedSize = try block.readUInt64() }
            if localOffset == 0xFFFF_FFFF { localOffset = try block.readUInt64() }
        }
        guard diskStart == 0 || diskStart == 0xFFFF else {
            throw CheckpointError.unsupportedFeature(path: path, part: "zip entry '\(name)'", feature: "multi-disk archives")
        }
        guard compressedSize <= UInt64(fileSize), localOffset <= UInt64(fileSize),
              uncompressedSize <= UInt64(Int.max / 2) else {
            throw corrupt("entry '\(name)' declares sizes or offsets beyond the file")
        }
        let method: ZipEntry.Method
        switch methodCode {
        case 0: method = .stored
        case 8: method = .deflated
        default: method = .other(methodCode)
        }
        return ZipEntry(name: name, method: method, flags: flags, crc32: crc,
                        compressedSize: Int(compressedSize), uncompressedSize: Int(uncompressedSize),
                        localHeaderOffset: Int(localOffset))
    }

    /// The entry named `name`, if present.
    func entry(named name: String) -> ZipEntry? {
        index[name].map { entries[$0] }
    }

    /// The uncompressed bytes of `entry`: in place when stored, inflated when deflated.
    /// - Parameter verifyingChecksum: compare the entry's CRC-32 (always done for deflated entries).
    func contents(of entry: ZipEntry, verifyingChecksum: Bool = true) throws -> ByteRegion {
        let part = "zip entry '\(entry.name)'"
        func corrupt(_ reason: String) -> CheckpointError { .corrupt(path: path, part: part, reason: reason) }
        guard !entry.isEncrypted else {
            throw CheckpointError.unsupportedFeature(path: path, part: part, feature: "encrypted zip entries")
        }
        var local = ByteReader(file.bytes, position: entry.localHeaderOffset, path: path, part: "local header of \(part)")
        guard try local.readUInt32() == Signature.localHeader else {
            throw corrupt("local header signature missing at byte \(entry.localHeaderOffset)")
        }
        local.position += 22
        let nameLength = Int(try local.readUInt16())
        let extraLength = Int(try local.readUInt16())
        _ = try local.readBytes(nameLength + extraLength)
        let dataStart = local.position
        guard entry.compressedSize <= file.bytes.count - dataStart else {
            throw CheckpointError.truncated(path: path, part: "\(part) (\(entry.compressedSize) bytes from byte \(dataStart))")
        }
        let stored = file.region(dataStart..<(dataStart + entry.compressedSize))

        let result: ByteRegion
        switch entry.method {
        case .stored:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw corrupt("stored entry has compressed size \(entry.compressedSize) but uncompressed size \(entry.uncompressedSize)")
            }
            result = stored
        case .deflated:
            // Deflate cannot expand data more than about 1032:1; larger claims are corruption.
            guard entry.uncompressedSize <= entry.compressedSize * 1032 + 1024 else {
                throw corrupt("declared size \(entry.uncompressedSize) is impossible for \(entry.compressedSize) deflated bytes")
            }
            let output = HeapBytes(count: entry.uncompressedSize)
            do throws(Inflater.Failure) {
                try Inflater.inflate(stored.bytes, into: UnsafeMutableRawBufferPointer(start: output.pointer, count: output.count))
            } catch {
                throw corrupt(error.reason)
            }
            result = output.region
        case let .other(code):
            throw CheckpointError.unsupportedFeature(path: path, part: part, feature: "zip compression method \(code)")
        }
        if verifyingChecksum || entry.method == .deflated {
            let actual = Inflater.crc32(of: result.bytes)
            guard actual == entry.crc32 else {
                throw corrupt("CRC-32 is \(hex(actual)) but the directory records \(hex(entry.crc32))")
            }
        }
        return result
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
