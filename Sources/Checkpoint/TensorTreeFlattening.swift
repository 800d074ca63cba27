/// Names every tensor of a pickled checkpoint by its dotted path through the tree.
///
/// Dict keys become path components (`{"state_dict": {"fc.weight": t}}` → `state_dict.fc.weight`),
/// as do list and tuple indices (`optimizer.state.0.exp_avg`) and TorchScript module attributes
/// (`visual.conv1.weight`). Non-tensor leaves are skipped here but stay in the tree.
enum TensorTreeFlattening {
    /// `(name, reference)` for every tensor under `value`, in pickle order.
    /// Throws `CheckpointError.duplicateTensorName` when two paths spell the same name.
    static func tensorReferences(in value: PickleValue, path: String) throws -> [(name: String, reference: TorchTensorReference)] {
        var found: [(name: String, reference: TorchTensorReference)] = []
        var seen: Set<String> = []
        func visit(_ value: PickleValue, _ name: String) throws {
            switch value {
            case let .tensor(reference):
                guard seen.insert(name).inserted else { throw CheckpointError.duplicateTensorName(path: path, tensor: name) }
                found.append((name, reference))
            case let .dictionary(entries):
                for entry in entries { try visit(entry.value, join(name, component(entry.key))) }
            case let .object(object):
                for entry in object.items { try visit(entry.value, join(name, component(entry.key))) }
                switch object.state {
                case let .dictionary(attributes):
                    for entry in attributes { try visit(entry.value, join(name, component(entry.key))) }
                case .none:
                    break
                default:
                    try visit(object.state, name)
                }
            case let .list(items), let .tuple(items):
                for (index, item) in items.enumerated() { try visit(item, join(name, String(index))) }
            default:
                break
            }
        }
        try visit(value, "")
        return found
    }

    private static func join(_ prefix: String, _ component: String) -> String {
        prefix.isEmpty ? component : "\(prefix).\(component)"
    }

    /// A dict key as a name component: strings as they are, numbers in decimal.
    private static func component(_ key: PickleValue) -> String {
        switch key {
        case let .string(text): return text
        case let .integer(number): return String(number)
        case let .bool(flag): return flag ? "True" : "False"
        case let .float(number): return String(number)
        case let .bytes(bytes): return String(decoding: bytes, as: UTF8.self)
        default: return "\(key)"
        }
    }
}
