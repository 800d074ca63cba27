import Foundation
import Tensor

/// A PyTorch checkpoint — `torch.save` zip archive, legacy pickle file, or TorchScript archive —
/// read without Python and without running any of its code.
///
/// The format is detected from the first bytes. The pickled object becomes `root`, a
/// `PickleValue` tree where tensors are `.tensor` references; `names` lists every tensor by its
/// dotted path, and `tensor(named:)` materialises one as contiguous Float32 (strided views,
/// offsets into shared storages and every element type converted exactly; aligned contiguous
/// Float32 shares the mapped file). Globals outside the tensor-rebuild whitelist throw
/// `CheckpointError.forbiddenGlobal`.
///
/// ```swift
/// let checkpoint = try TorchCheckpoint(contentsOf: url)
/// let weights = try checkpoint.tensors(under: "state_dict")   // drops the "state_dict." prefix
/// let epoch = checkpoint.root["epoch"]?.integerValue
/// ```
public final class TorchCheckpoint: @unchecked Sendable {
    /// The container the checkpoint was read from.
    public enum Format: String, Sendable {
        /// `torch.save` since PyTorch 1.6: a zip with `data.pkl` and `data/<key>` records.
        case zip
        /// `torch.save(..., _use_new_zipfile_serialization=False)` and PyTorch before 1.6.
        case legacy
        /// `torch.jit.save`: a zip whose `data.pkl` holds the module objects.
        case torchScript
    }

    public let url: URL
    public let format: Format
    /// The pickled object (for TorchScript, the top-level module with its attributes).
    public let root: PickleValue
    /// TorchScript's tensor constants (`constants.pkl`), materialised with `tensor(for:)`.
    public let constants: PickleValue?
    /// Every tensor's dotted name, in pickle order.
    public let names: [String]

    private let references: [String: TorchTensorReference]
    private let source: Source
    private let verifiesChecksums: Bool
    private let lock = NSLock()
    private var regionCache: [TorchStorageReference: ByteRegion] = [:]
    /// Zero-copy Float32 storages by `archive/key`, with the bytes each one covers.
    private var float32Cache: [String: (base: UnsafeRawPointer?, count: Int, storage: TensorStorage)] = [:]

    private enum Source {
        case zip(TorchZipFormat)
        case legacy(TorchLegacyFormat)
    }

    /// Reads the checkpoint's structure; tensor data is read when a tensor is requested.
    /// - Parameter verifiesChecksums: check the CRC-32 of stored zip records before using them
    ///   (deflated records are always checked).
    public init(contentsOf url: URL, verifiesChecksums: Bool = true) throws {
        self.url = url
        self.verifiesChecksums = verifiesChecksums
        let file = try MemoryMappedFile(path: url.path)
        defer { withExtendedLifetime(file) {} }  // `bytes` below points into the mapping
        let path = url.path
        let bytes = file.bytes
        let signature = bytes.count >= 4 ? UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self)) : 0
        if signature == 0x0403_4B50 || signature == 0x0605_4B50 {  // a zip's first entry, or an empty zip
            let zip = try TorchZipFormat(archive: try ZipArchive(file: file), verifyingChecksums: verifiesChecksums)
            format = zip.isTorchScript ? .torchScript : .zip
            root = zip.root
            constants = zip.constants
            source = .zip(zip)
        } else if bytes.count > 262, String(decoding: UnsafeRawBufferPointer(rebasing: bytes[257..<262]), as: UTF8.self) == "ustar" {
            throw CheckpointError.unsupportedFeature(path: path, part: "file header",
                                                     feature: "the tar-based format of PyTorch before 0.4 (re-save it with a recent PyTorch)")
        } else if let first = bytes.first, first == PickleOpcode.protocolVersion.rawValue || first == PickleOpcode.long.rawValue {
            // Protocol 2+ starts with PROTO; protocols 0 and 1 spell the magic number as LONG text.
            let legacy = try TorchLegacyFormat(file: file)
            format = .legacy
            root = legacy.root
            constants = nil
            source = .legacy(legacy)
        } else {
            throw CheckpointError.unrecognizedFormat(path: path, reason: "it starts with neither a zip header nor a pickle protocol opcode")
        }
        let found = try TensorTreeFlattening.tensorReferences(in: root, path: path)
        names = found.map(\.name)
        references = Dictionary(found.map { ($0.name, $0.reference) }, uniquingKeysWith: { first, _ in first })
    }

    /// All tensors of the checkpoint at `url`, by dotted name.
    public static func load(contentsOf url: URL) throws -> [String: Tensor] {
        try TorchCheckpoint(contentsOf: url).allTensors()
    }

    /// The stored description of tensor `name`, if present.
    public func reference(named name: String) -> TorchTensorReference? { references[name] }

    /// Name, element type and shape of every tensor whose type converts to Float32, in pickle order.
    public var tensors: [TensorInfo] {
        names.compactMap { name in
            guard let reference = references[name], let type = reference.dataType else { return nil }
            return TensorInfo(name: name, dataType: type, shape: reference.shape)
        }
    }

    /// Tensor `name` as contiguous Float32.
    public func tensor(named name: String) throws -> Tensor {
        guard let reference = references[name] else {
            throw CheckpointError.tensorNotFound(path: url.path, tensor: name)
        }
        return try tensor(for: reference, name: name)
    }

    /// Every tensor, keyed by dotted name.
    public func allTensors() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for name in names { result[name] = try tensor(named: name) }
        return result
    }

    /// The tensors whose names start with `prefix.`, keyed by the rest of the name:
    /// `tensors(under: "state_dict")` turns `state_dict.fc.weight` into `fc.weight`.
    public func tensors(under prefix: String) throws -> [String: Tensor] {
        let start = prefix.isEmpty ? "" : prefix + "."
        var result: [String: Tensor] = [:]
        for name in names where name.hasPrefix(start) {
            result[String(name.dropFirst(start.count))] = try tensor(named: name)
        }
        if result.isEmpty, !prefix.isEmpty {
            throw CheckpointError.tensorNotFound(path: url.path, tensor: start + "*")
        }
        return result
    }

    /// Materialises any tensor reference of this checkpoint's trees (`root` or `constants`).
    public func tensor(for reference: TorchTensorReference, name: String = "<reference>") throws -> Tensor {
        guard let dataType = reference.dataType else {
            throw CheckpointError.unsupportedDataType(path: url.path, tensor: name, dataType: reference.dataTypeName)
        }
        let region = try storageRegion(reference.storage)
        let layout = StridedTensorCopy.Layout(dataType: dataType, shape: reference.shape,
                                              strides: reference.strides, offset: reference.storageOffset)
        var isBigEndian = false
        if case let .zip(zip) = source { isBigEndian = zip.isBigEndian }
        return try StridedTensorCopy.makeTensor(
            name: name, path: url.path, layout: layout, storage: region, byteSwapped: isBigEndian,
            sharedStorage: { [self] in sharedFloat32Storage(reference.storage, region) })
    }

    /// The bytes of `storage`, read (and checksummed) once.
    private func storageRegion(_ storage: TorchStorageReference) throws -> ByteRegion {
        lock.lock()
        defer { lock.unlock() }
        if let cached = regionCache[storage] { return cached }
        let region: ByteRegion
        switch source {
        case let .zip(zip): region = try zip.storageBytes(storage, verifyingChecksums: verifiesChecksums)
        case let .legacy(legacy): region = try legacy.storageBytes(storage)
        }
        regionCache[storage] = region
        return region
    }

    /// One zero-copy Float32 view per PyTorch storage, so tensors sharing a storage share memory
    /// (and `Tensor`'s copy-on-write sees them as shared). Views of other byte ranges of the same
    /// storage (legacy storage views) are copied instead.
    private func sharedFloat32Storage(_ storage: TorchStorageReference, _ region: ByteRegion) -> TensorStorage? {
        let key = "\(storage.archive)/\(storage.key)"
        lock.lock()
        defer { lock.unlock() }
        if let cached = float32Cache[key] {
            return cached.base == region.bytes.baseAddress && cached.count == region.count ? cached.storage : nil
        }
        guard let view = StridedTensorCopy.borrowedStorage(region) else { return nil }
        float32Cache[key] = (region.bytes.baseAddress, region.count, view)
        return view
    }
}
