/// A PyTorch storage named by a checkpoint's pickle: the flat buffer behind one or more tensors.
///
/// In `torch.save` archives the bytes are the zip entry `<prefix>/<archive>/<key>`; in legacy files
/// they follow the pickles, in the order of the storage-key list.
public struct TorchStorageReference: Hashable, Sendable {
    /// The pickle that named the storage and the folder holding its bytes: `data`, or `constants`
    /// for TorchScript constants.
    public let archive: String
    /// The storage's key (`"0"`, or a memory address in legacy files).
    public let key: String
    /// The storage class (`torch.FloatStorage`, `torch.storage.UntypedStorage`, ...).
    public let storageTypeName: String
    /// Element type of the storage, nil for types with no Float32 conversion (complex, quantised).
    public let dataType: CheckpointDataType?
    /// Bytes per storage element.
    public let elementByteSize: Int
    /// Number of storage elements the pickle declares.
    public let elementCount: Int
    /// Device the storage was saved from (`cpu`, `cuda:0`); loading always reads it to the CPU.
    public let location: String
    /// First element of this storage inside its root storage (legacy storage views), else 0.
    public let viewOffset: Int

    public init(archive: String, key: String, storageTypeName: String, dataType: CheckpointDataType?,
                elementByteSize: Int, elementCount: Int, location: String, viewOffset: Int = 0) {
        self.archive = archive
        self.key = key
        self.storageTypeName = storageTypeName
        self.dataType = dataType
        self.elementByteSize = elementByteSize
        self.elementCount = elementCount
        self.location = location
        self.viewOffset = viewOffset
    }

    /// Bytes the storage declares (`elementCount × elementByteSize`), nil on overflow.
    public var byteCount: Int? {
        let (product, overflow) = elementCount.multipliedReportingOverflow(by: elementByteSize)
        return overflow ? nil : product
    }
}
