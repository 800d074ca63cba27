/// A tensor as a PyTorch pickle describes it: a strided view of a storage.
///
/// Built from `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, ...)` (and its
/// `_rebuild_tensor`/`_v3` siblings); materialising it copies the view into a contiguous Float32
/// `Tensor`, or views the file directly when it is contiguous aligned Float32.
public struct TorchTensorReference: Hashable, Sendable {
    public let storage: TorchStorageReference
    /// PyTorch's name of the element type (`float32`, `bfloat16`, `complex64`, ...).
    public let dataTypeName: String
    /// The element type, nil when it has no Float32 conversion.
    public let dataType: CheckpointDataType?
    /// Offset of the first element, in elements, from the start of the storage.
    public let storageOffset: Int
    public let shape: [Int]
    /// Element steps per axis (`[1, rows]` for a transposed matrix, 0 for broadcast axes).
    public let strides: [Int]
    /// Whether the tensor was saved as requiring gradients (an `nn.Parameter`, usually).
    public let requiresGradient: Bool

    public init(storage: TorchStorageReference, dataTypeName: String, dataType: CheckpointDataType?,
                storageOffset: Int, shape: [Int], strides: [Int], requiresGradient: Bool) {
        self.storage = storage
        self.dataTypeName = dataTypeName
        self.dataType = dataType
        self.storageOffset = storageOffset
        self.shape = shape
        self.strides = strides
        self.requiresGradient = requiresGradient
    }

    /// The same view with a different gradient flag.
    func requiringGradient(_ flag: Bool) -> TorchTensorReference {
        TorchTensorReference(storage: storage, dataTypeName: dataTypeName, dataType: dataType,
                             storageOffset: storageOffset, shape: shape, strides: strides, requiresGradient: flag)
    }
}
