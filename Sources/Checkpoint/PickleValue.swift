/// A value decoded from a Python pickle by the whitelist `Unpickler`: plain data plus references
/// to PyTorch tensors and storages. Nothing in it was produced by running Python code.
///
/// PyTorch checkpoints are pickles of nested dicts (`{"state_dict": {...}, "epoch": 7}`); tensors
/// appear as `.tensor` leaves that `TorchCheckpoint` materialises on demand.
public indirect enum PickleValue: Hashable, Sendable {
    case none
    case bool(Bool)
    case integer(Int)
    /// An integer outside `Int`'s range: little-endian two's-complement bytes, as pickle's LONG stores it.
    case bigInteger([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list([PickleValue])
    case tuple([PickleValue])
    case set([PickleValue])
    /// A dict or `collections.OrderedDict`, in insertion order.
    case dictionary([PickleDictionaryEntry])
    /// An instance rebuilt without running code: `torch.device`, an `OrderedDict` with attributes,
    /// or a TorchScript module (`__torch__.…`) whose attributes are its `state`.
    case object(PickleObject)
    /// A whitelisted global used as a value, by qualified name (`torch.float16`, `torch.FloatStorage`).
    case global(String)
    case storage(TorchStorageReference)
    case tensor(TorchTensorReference)

    /// The value stored under the string key `key` of a dictionary, or of an object's entries or attributes.
    public subscript(key: String) -> PickleValue? {
        entries?.first(where: { $0.key == .string(key) })?.value
    }

    /// Key-value pairs of a dictionary; for an object, its own entries followed by its attribute dictionary.
    public var entries: [PickleDictionaryEntry]? {
        switch self {
        case let .dictionary(entries):
            return entries
        case let .object(object):
            if case let .dictionary(attributes) = object.state { return object.items + attributes }
            return object.items
        default:
            return nil
        }
    }

    /// Elements of a list, tuple or set.
    public var elements: [PickleValue]? {
        switch self {
        case let .list(items), let .tuple(items), let .set(items): return items
        default: return nil
        }
    }

    public var stringValue: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    public var integerValue: Int? {
        if case let .integer(value) = self { return value }
        return nil
    }

    public var doubleValue: Double? {
        switch self {
        case let .float(value): return value
        case let .integer(value): return Double(value)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case let .bool(value) = self { return value }
        return nil
    }

    public var tensorReference: TorchTensorReference? {
        if case let .tensor(reference) = self { return reference }
        return nil
    }
}

/// One key-value pair of a pickled dict.
public struct PickleDictionaryEntry: Hashable, Sendable {
    public let key: PickleValue
    public let value: PickleValue

    public init(key: PickleValue, value: PickleValue) {
        self.key = key
        self.value = value
    }
}

/// An object the unpickler recorded instead of constructing: its type, constructor arguments,
/// the state given by BUILD, and dict items if it is dict-like.
public struct PickleObject: Hashable, Sendable {
    /// Qualified type name (`torch.device`, `collections.OrderedDict`, `__torch__.model.CLIP`).
    public let typeName: String
    public let arguments: [PickleValue]
    /// What BUILD set: usually a dictionary of attributes; `.none` if never built.
    public let state: PickleValue
    public let items: [PickleDictionaryEntry]

    public init(typeName: String, arguments: [PickleValue] = [], state: PickleValue = .none, items: [PickleDictionaryEntry] = []) {
        self.typeName = typeName
        self.arguments = arguments
        self.state = state
        self.items = items
    }
}
