/// PyTorch's legacy checkpoint format (before 1.6, or `_use_new_zipfile_serialization=False`).
///
/// Layout: five consecutive pickles — the magic number 0x1950a86a20f9469cfc6c, the protocol
/// version 1001, a system-info dict (`little_endian`, type sizes), the object itself (tensors as
/// persistent ids `("storage", StorageClass, key, location, count, view)`), and the sorted list of
/// storage keys — then each listed storage's bytes: an 8-byte little-endian element count
/// followed by the elements.
struct TorchLegacyFormat {
    static let magicNumber = PickleValue.bigInteger([0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19])
    static let protocolVersion = 1001

    /// The main pickle's object.
    let root: PickleValue
    /// Each storage key's element bytes in the file.
    let storageRanges: [String: Range<Int>]
    let file: MemoryMappedFile

    init(file: MemoryMappedFile) throws {
        self.file = file
        let path = file.path
        let bytes = file.bytes

        var magicReader = Unpickler(bytes: bytes, path: path, part: "legacy magic number pickle")
        let magic: PickleValue
        do {
            magic = try magicReader.load()
        } catch let error as CheckpointError {
            if case .forbiddenGlobal = error { throw error }
            throw CheckpointError.unrecognizedFormat(path: path, reason: "neither a zip archive nor a legacy PyTorch pickle (\(error))")
        }
        guard magic == Self.magicNumber else {
            throw CheckpointError.unrecognizedFormat(path: path, reason: "a pickle without PyTorch's legacy magic number (a plain pickle? use Unpickler)")
        }

        var versionReader = Unpickler(bytes: bytes, position: magicReader.position, path: path, part: "legacy protocol version pickle")
        let version = try versionReader.load()
        guard version == .integer(Self.protocolVersion) else {
            throw CheckpointError.unsupportedFeature(path: path, part: "legacy header", feature: "legacy protocol version \(version)")
        }
        var systemReader = Unpickler(bytes: bytes, position: versionReader.position, path: path, part: "legacy system-info pickle")
        let system = try systemReader.load()
        if system["little_endian"] == .bool(false) {
            throw CheckpointError.unsupportedFeature(path: path, part: "legacy system-info pickle", feature: "big-endian legacy checkpoints")
        }

        // The object: persistent ids declare storages (and, in very old files, views of them).
        final class Declarations { var roots: [String: TorchStorageReference] = [:] }
        let declarations = Declarations()
        var mainReader = Unpickler(bytes: bytes, position: systemReader.position, path: path, part: "legacy main pickle") { identifier in
            let part = "legacy main pickle"
            var reference = try TorchZipFormat.storageReference(identifier, archiveName: "data", path: path, part: part)
            if let previous = declarations.roots[reference.key] {
                guard previous.elementByteSize == reference.elementByteSize else {
                    throw CheckpointError.corrupt(path: path, part: part, reason: "storage '\(reference.key)' is declared with two element sizes")
                }
            } else {
                declarations.roots[reference.key] = reference
            }
            if case let .tuple(fields) = identifier, fields.count > 5, let view = fields[5].elements {
                guard view.count == 3, let offset = view[1].integerValue, let size = view[2].integerValue,
                      offset >= 0, size >= 0 else {
                    throw CheckpointError.corrupt(path: path, part: part, reason: "malformed storage view of '\(reference.key)'")
                }
                reference = TorchStorageReference(archive: "data", key: reference.key, storageTypeName: reference.storageTypeName,
                                                   dataType: reference.dataType, elementByteSize: reference.elementByteSize,
                                                   elementCount: size, location: reference.location, viewOffset: offset)
            }
            return .storage(reference)
        }
        root = try mainReader.load()

        var keysReader = Unpickler(bytes: bytes, position: mainReader.position, path: path, part: "legacy storage-key list")
        guard let keyValues = try keysReader.load().elements else {
            throw CheckpointError.corrupt(path: path, part: "legacy storage-key list", reason: "not a list")
        }

        // Storage data, in key-list order.
        var reader = ByteReader(bytes, position: keysReader.position, path: path, part: "legacy storage data")
        var ranges: [String: Range<Int>] = [:]
        for value in keyValues {
            guard let key = TorchZipFormat.text(value) else {
                throw CheckpointError.corrupt(path: path, part: "legacy storage-key list", reason: "a key is not a string")
            }
            guard let declared = declarations.roots[key] else {
                throw CheckpointError.corrupt(path: path, part: "legacy storage-key list", reason: "storage '\(key)' is listed but no tensor uses it")
            }
            let part = "legacy data of storage '\(key)'"
            reader = ByteReader(bytes, position: reader.position, path: path, part: part)
            let count = try reader.readUInt64()
            guard count == UInt64(declared.elementCount) else {
                throw CheckpointError.corrupt(path: path, part: part, reason: "holds \(count) elements but the pickle declares \(declared.elementCount)")
            }
            let (byteCount, overflow) = declared.elementCount.multipliedReportingOverflow(by: declared.elementByteSize)
            guard !overflow else { throw CheckpointError.corrupt(path: path, part: part, reason: "size overflows") }
            let start = reader.position
            _ = try reader.readBytes(try reader.checkedLength(byteCount))
            ranges[key] = start..<(start + byteCount)
        }
        storageRanges = ranges
    }

    /// The bytes of `storage` (a root storage or a view of one).
    func storageBytes(_ storage: TorchStorageReference) throws -> ByteRegion {
        let path = file.path
        guard let range = storageRanges[storage.key] else {
            throw CheckpointError.missingEntry(path: path, entry: "legacy data of storage '\(storage.key)'")
        }
        let (start, overflowStart) = storage.viewOffset.multipliedReportingOverflow(by: storage.elementByteSize)
        guard let byteCount = storage.byteCount, !overflowStart, start <= range.count, byteCount <= range.count - start else {
            throw CheckpointError.corrupt(path: path, part: "legacy data of storage '\(storage.key)'",
                                          reason: "view of \(storage.elementCount) elements at \(storage.viewOffset) exceeds the \(range.count) stored bytes")
        }
        return file.region((range.lowerBound + start)..<(range.lowerBound + start + byteCount))
    }
}
