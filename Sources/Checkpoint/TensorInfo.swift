/// A stored tensor's name, element type and shape, known before its data is read.
public struct TensorInfo: Sendable, Hashable, CustomStringConvertible {
    /// The full dotted name (`visual.conv1.weight`).
    public let name: String
    /// The element type in the file; loading converts it to Float32.
    public let dataType: CheckpointDataType
    /// Dimensions, outermost first; empty for a scalar.
    public let shape: [Int]

    public init(name: String, dataType: CheckpointDataType, shape: [Int]) {
        self.name = name
        self.dataType = dataType
        self.shape = shape
    }

    /// Number of elements (1 for a scalar).
    public var count: Int { shape.reduce(1, *) }

    public var description: String { "\(name): \(dataType) \(shape)" }
}
