/// PyTorch's zip checkpoint format (`torch.save` since 1.6) and TorchScript archives (`torch.jit.save`).
///
/// Layout: every entry sits under one top-level folder `<prefix>/` (any name): `data.pkl` is the
/// pickled object, `data/<key>` holds each storage's raw bytes (stored, 64-byte aligned),
/// `byteorder` says `little` or `big`, `version` the format version. TorchScript archives add
/// `constants.pkl` with tensors in `constants/<key>` and Python-like code in `code/`, which is
/// never read. Tensors inside pickles are persistent ids `("storage", StorageClass, key,
/// location, count)` wrapped in `torch._utils._rebuild_tensor_v2(...)`.
struct TorchZipFormat {
    let archive: ZipArchive
    /// The top-level folder with its slash (`"model/"`), or "" for entries at the root.
    let prefix: String
    let isTorchScript: Bool
    /// True when the archive was written on a big-endian machine.
    let isBigEndian: Bool
    /// The object of `data.pkl`.
    let root: PickleValue
    /// TorchScript's `constants.pkl` tuple, when present.
    let constants: PickleValue?

    /// The largest pickle (`data.pkl`, `constants.pkl`) inflated: the pickle of a state dict
    /// is about 150 bytes per tensor, so 256 MiB is far above any real checkpoint.
    static let maximumPickleSize = 256 << 20

    init(archive: ZipArchive, verifyingChecksums: Bool) throws {
        self.archive = archive
        let path = archive.file.path
        guard let first = archive.entries.first else {
            throw CheckpointError.missingEntry(path: path, entry: "data.pkl (the archive is empty)")
        }
        // PyTorch names the folder after the first entry's top-level directory.
        let prefix = first.name.firstIndex(of: "/").map { String(first.name[...$0]) } ?? ""
        self.prefix = prefix
        guard let dataEntry = archive.entry(named: prefix + "data.pkl") else {
            if archive.entry(named: prefix + "model.json") != nil {
                throw CheckpointError.unsupportedFeature(path: path, part: "\(prefix)model.json",
                                                         feature: "the TorchScript format of PyTorch 1.0–1.2 (re-save it with a recent PyTorch)")
            }
            throw CheckpointError.missingEntry(path: path, entry: prefix + "data.pkl")
        }
        isTorchScript = archive.entry(named: prefix + "constants.pkl") != nil
            || archive.entries.contains { $0.name.hasPrefix(prefix + "code/") }

        if let orderEntry = archive.entry(named: prefix + "byteorder") {
            guard orderEntry.uncompressedSize <= 16 else {
                throw CheckpointError.corrupt(path: path, part: "zip entry '\(orderEntry.name)'",
                                              reason: "declares \(orderEntry.uncompressedSize) bytes for a byte-order word")
            }
            let order = String(decoding: try archive.contents(of: orderEntry).array, as: UTF8.self)
            switch order {
            case "little": isBigEndian = false
            case "big": isBigEndian = true
            default: throw CheckpointError.corrupt(path: path, part: "zip entry '\(orderEntry.name)'", reason: "unknown byte order '\(order.prefix(20))'")
            }
        } else {
            isBigEndian = false
        }

        root = try Self.unpickle(dataEntry, archiveName: "data", in: archive, torchScript: isTorchScript, verifyingChecksums: verifyingChecksums)
        if let constantsEntry = archive.entry(named: prefix + "constants.pkl") {
            constants = try Self.unpickle(constantsEntry, archiveName: "constants", in: archive, torchScript: true, verifyingChecksums: verifyingChecksums)
        } else {
            constants = nil
        }
    }

    private static func unpickle(_ entry: ZipEntry, archiveName: String, in archive: ZipArchive, torchScript: Bool,
                                 verifyingChecksums: Bool) throws -> PickleValue {
        let path = archive.file.path
        // Checked before inflating: a deflated pickle can claim gigabytes in a few megabytes.
        guard entry.uncompressedSize <= maximumPickleSize else {
            throw CheckpointError.corrupt(path: path, part: "zip entry '\(entry.name)'",
                                          reason: "declares a \(entry.uncompressedSize)-byte pickle, over the limit of \(maximumPickleSize) bytes "
                                              + "(a state dict's pickle is a few megabytes; this looks like a decompression bomb)")
        }
        let bytes = try archive.contents(of: entry, verifyingChecksum: verifyingChecksums)
        var unpickler = Unpickler(bytes: bytes.bytes, path: path, part: "zip entry '\(entry.name)'",
                                  allowsTorchScriptClasses: torchScript) { identifier in
            .storage(try storageReference(identifier, archiveName: archiveName, path: path, part: entry.name))
        }
        return try withExtendedLifetime(bytes) { try unpickler.load() }
    }

    /// Parses the persistent id `("storage", StorageClass, key, location, count)`.
    static func storageReference(_ identifier: PickleValue, archiveName: String, path: String, part: String) throws -> TorchStorageReference {
        func corrupt(_ reason: String) -> CheckpointError { .corrupt(path: path, part: part, reason: reason) }
        guard case let .tuple(fields) = identifier, fields.count >= 5 else {
            throw corrupt("persistent id is not a (\"storage\", type, key, location, count) tuple")
        }
        guard Self.text(fields[0]) == "storage" else {
            throw CheckpointError.unsupportedFeature(path: path, part: part, feature: "persistent ids of kind '\(Self.text(fields[0]) ?? "?")' (only storages are loaded)")
        }
        guard case let .global(storageTypeName) = fields[1], let kind = PickleGlobal.storageKind(named: storageTypeName) else {
            throw corrupt("persistent id does not name a storage class")
        }
        guard let key = Self.text(fields[2]) ?? fields[2].integerValue.map(String.init) else { throw corrupt("storage key is not a string") }
        guard let location = Self.text(fields[3]) else { throw corrupt("storage location of '\(key)' is not a string") }
        guard let count = fields[4].integerValue, count >= 0 else { throw corrupt("element count of storage '\(key)' is not a non-negative integer") }
        return TorchStorageReference(archive: archiveName, key: key, storageTypeName: kind.qualifiedName, dataType: kind.dataType,
                                     elementByteSize: kind.byteSize, elementCount: count, location: location)
    }

    /// A string field, accepting Python 2 byte strings.
    static func text(_ value: PickleValue) -> String? {
        switch value {
        case let .string(text): return text
        case let .bytes(bytes): return String(decoding: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The bytes of `storage`: the record `<prefix><archive>/<key>`, trimmed to the declared size.
    func storageBytes(_ storage: TorchStorageReference, verifyingChecksums: Bool) throws -> ByteRegion {
        let path = archive.file.path
        let name = "\(prefix)\(storage.archive)/\(storage.key)"
        // TorchScript archives written before `constants/` existed kept every record in `data/`.
        guard let entry = archive.entry(named: name) ?? archive.entry(named: "\(prefix)data/\(storage.key)") else {
            throw CheckpointError.missingEntry(path: path, entry: name)
        }
        guard let byteCount = storage.byteCount else {
            throw CheckpointError.corrupt(path: path, part: "storage '\(storage.key)'", reason: "declared size overflows")
        }
        guard entry.uncompressedSize >= byteCount else {
            throw CheckpointError.corrupt(path: path, part: "zip entry '\(entry.name)'",
                                          reason: "holds \(entry.uncompressedSize) bytes but storage '\(storage.key)' declares \(storage.elementCount) × \(storage.elementByteSize) bytes")
        }
        // A stored record is mapped in place, so extra bytes cost nothing; a deflated one would be
        // inflated whole, so it must not claim more than its storage needs (checked before inflating).
        guard entry.method == .stored || entry.uncompressedSize == byteCount else {
            throw CheckpointError.corrupt(path: path, part: "zip entry '\(entry.name)'",
                                          reason: "a compressed record of \(entry.uncompressedSize) bytes for storage '\(storage.key)', which needs "
                                              + "\(byteCount); it is not inflated (a decompression bomb or a damaged file)")
        }
        let region = try archive.contents(of: entry, verifyingChecksum: verifyingChecksums)
        return ByteRegion(bytes: UnsafeRawBufferPointer(rebasing: region.bytes[0..<byteCount]), owner: region.owner)
    }
}
