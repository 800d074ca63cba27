/// Why reading or writing a checkpoint failed.
///
/// Every case names the file and the part of it (header, zip entry, pickle, tensor) so a failed
/// load can be traced without a debugger. Loading never falls back to partial or random values.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened, mapped, created or written.
    case fileSystem(path: String, reason: String)
    /// The file's first bytes match none of the formats this target reads.
    case unrecognizedFormat(path: String, reason: String)
    /// `part` of the file runs past the end of the file (or of its enclosing record).
    case truncated(path: String, part: String)
    /// `part` of the file breaks the rules of its format.
    case corrupt(path: String, part: String, reason: String)
    /// A tensor record is inconsistent: shape, offsets, strides or storage size.
    case invalidTensor(path: String, tensor: String, reason: String)
    /// A tensor's element type has no conversion to Float32 here.
    case unsupportedDataType(path: String, tensor: String, dataType: String)
    /// No tensor has that name.
    case tensorNotFound(path: String, tensor: String)
    /// An archive entry the format requires is missing.
    case missingEntry(path: String, entry: String)
    /// A pickle names a global outside the tensor-rebuild whitelist; nothing of it was run.
    case forbiddenGlobal(path: String, part: String, name: String)
    /// A feature of the format that this reader deliberately does not implement.
    case unsupportedFeature(path: String, part: String, feature: String)
    /// Two tensors of one checkpoint flatten to the same dotted name.
    case duplicateTensorName(path: String, tensor: String)
    /// A tensor that cannot be written (empty or reserved name).
    case invalidTensorForWriting(path: String, tensor: String, reason: String)

    public var description: String {
        switch self {
        case let .fileSystem(path, reason):
            return "cannot access checkpoint \(path): \(reason)"
        case let .unrecognizedFormat(path, reason):
            return "\(path) is not a checkpoint this loader reads: \(reason)"
        case let .truncated(path, part):
            return "checkpoint \(path) is truncated: \(part) runs past the end of its data"
        case let .corrupt(path, part, reason):
            return "checkpoint \(path) is corrupt in \(part): \(reason)"
        case let .invalidTensor(path, tensor, reason):
            return "checkpoint \(path): tensor '\(tensor)' is invalid: \(reason)"
        case let .unsupportedDataType(path, tensor, dataType):
            return "checkpoint \(path): tensor '\(tensor)' has element type \(dataType), which cannot be converted to Float32"
        case let .tensorNotFound(path, tensor):
            return "checkpoint \(path) has no tensor named '\(tensor)'"
        case let .missingEntry(path, entry):
            return "checkpoint \(path) has no entry '\(entry)'"
        case let .forbiddenGlobal(path, part, name):
            return "checkpoint \(path) (\(part)) refers to \(name), which is not a tensor-rebuild function; refusing to load"
        case let .unsupportedFeature(path, part, feature):
            return "checkpoint \(path) (\(part)) uses \(feature), which this loader does not support"
        case let .duplicateTensorName(path, tensor):
            return "checkpoint \(path) holds two tensors named '\(tensor)' after flattening"
        case let .invalidTensorForWriting(path, tensor, reason):
            return "cannot write tensor '\(tensor)' to \(path): \(reason)"
        }
    }
}
