import Foundation
import Tensor

/// A safetensors file, memory-mapped, with its tensors described and loaded on demand.
///
/// The format (huggingface/safetensors) is a JSON header followed by raw little-endian tensor
/// bytes. Aligned Float32 tensors are returned as zero-copy views of the mapping; every other
/// element type is converted to Float32, the original type staying visible in `tensors`.
///
/// ```swift
/// let file = try SafetensorsFile(contentsOf: url)
/// let weight = try file.tensor(named: "encoder.layer.0.attention.self.query.weight") // [384, 384]
/// ```
public final class SafetensorsFile: @unchecked Sendable {
    /// Where the file was read from.
    public let url: URL
    /// Every tensor's name, stored element type and shape, in file order.
    public let tensors: [TensorInfo]
    /// The `__metadata__` string pairs (empty when absent).
    public let metadata: [String: String]

    private let file: MemoryMappedFile
    private let header: SafetensorsHeader
    private let entryIndex: [String: Int]
    private let lock = NSLock()
    /// The one zero-copy storage of each Float32 tensor handed out (see `StridedTensorCopy.makeTensor`).
    private var float32Cache: [String: TensorStorage] = [:]

    /// Maps the file and validates its header; tensor data is read by `tensor(named:)`.
    public init(contentsOf url: URL) throws {
        self.url = url
        file = try MemoryMappedFile(path: url.path)
        header = try SafetensorsHeader(file: file.bytes, path: url.path)
        tensors = header.entries.map(\.info)
        metadata = header.metadata
        entryIndex = Dictionary(header.entries.enumerated().map { ($1.info.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Names of all tensors, in file order.
    public var names: [String] { tensors.map(\.name) }

    /// The description of tensor `name`, if present.
    public func info(named name: String) -> TensorInfo? {
        entryIndex[name].map { header.entries[$0].info }
    }

    /// Tensor `name` as Float32: a view of the mapping when stored as aligned F32, else converted.
    public func tensor(named name: String) throws -> Tensor {
        guard let index = entryIndex[name] else {
            throw CheckpointError.tensorNotFound(path: url.path, tensor: name)
        }
        let entry = header.entries[index]
        let range = (header.dataStart + entry.byteRange.lowerBound)..<(header.dataStart + entry.byteRange.upperBound)
        let layout = StridedTensorCopy.Layout(
            dataType: entry.info.dataType, shape: entry.info.shape,
            strides: StridedTensorCopy.contiguousStrides(of: entry.info.shape), offset: 0)
        let region = file.region(range)
        return try StridedTensorCopy.makeTensor(name: name, path: url.path, layout: layout, storage: region) { [self] in
            lock.lock()
            defer { lock.unlock() }
            if let cached = float32Cache[name] { return cached }
            let view = StridedTensorCopy.borrowedStorage(region)
            float32Cache[name] = view
            return view
        }
    }

    /// Every tensor, keyed by name.
    public func allTensors() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for info in tensors { result[info.name] = try tensor(named: info.name) }
        return result
    }
}
