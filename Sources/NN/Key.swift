/// Registers a module's parameter or child module once, under its checkpoint key (the role of
/// PyTorch's attribute names in `state_dict`, mlx-swift's `@ModuleInfo(key:)`, candle's
/// `VarBuilder` paths):
///
/// ```swift
/// @Key("ln_1") var attentionNorm: LayerNorm                   // ln_1.weight, ln_1.bias
/// @Key("bias") var bias: Parameter?                           // absent when nil
/// @Key("resblocks") var blocks: [ResidualAttentionBlock]      // resblocks.0.…, resblocks.1.…
/// @Key("layer", numberedFrom: 1) var stages: [[Bottleneck]]   // layer1.0.…, layer2.0.…
/// @Key("") var encoder: BERTModel                             // flattened into this level
/// ```
///
/// The value may be a `Parameter`, any `Module` (also an `any Module` existential), an optional
/// of either, or an array of them (nested arrays too). `Module.namedParameters` and everything
/// built on it (loading, saving, training, freezing, train/eval mode) read these registrations by
/// reflection, so a name is written in one place only.
///
/// In an `init`, assign plain stored properties before `@Key` ones (Swift's definite
/// initialisation); reading a `@Key` property that was never assigned traps naming its key. The
/// key can also be chosen at run time by assigning the wrapper itself: `_query = Key(names.query)`.
@propertyWrapper
public struct Key<Value> {
    /// The checkpoint name of this property, relative to its module ("" flattens).
    public let key: String
    /// For arrays: the first element's number when elements are named `key1`, `key2`, … (no dot);
    /// nil names them `key.0`, `key.1`, ….
    public let firstNumber: Int?
    private var storage: Value?

    public init(_ key: String) {
        self.key = key
        firstNumber = nil
    }

    public init(wrappedValue: Value, _ key: String) {
        self.key = key
        firstNumber = nil
        storage = wrappedValue
    }

    /// Array elements named `key<first>`, `key<first + 1>`, … (torchvision's `layer1` … `layer4`).
    public init(_ key: String, numberedFrom first: Int) {
        self.key = key
        firstNumber = first
    }

    public var wrappedValue: Value {
        get {
            guard let storage else { fatalError("@Key(\"\(key)\") was read before it was assigned") }
            return storage
        }
        set { storage = newValue }
    }
}

/// What the reflection walk reads off a `Key` without knowing its value type.
protocol KeyRegistration {
    func registeredMembers(owner: Any.Type, property: String) -> [(key: String, member: ModuleMember)]
}

extension Key: KeyRegistration {
    func registeredMembers(owner: Any.Type, property: String) -> [(key: String, member: ModuleMember)] {
        guard let storage else {
            fatalError("\(owner).\(property): @Key(\"\(key)\") was never assigned")
        }
        var members: [(key: String, member: ModuleMember)] = []
        Self.collect(storage, key: key, firstNumber: firstNumber, into: &members) { value in
            fatalError("\(owner).\(property): @Key(\"\(key)\") holds \(type(of: value)), which is neither a Parameter nor a Module")
        }
        return members
    }

    /// Appends the parameters and modules inside `value` (unwrapping optionals and arrays).
    static func collect(_ value: Any, key: String, firstNumber: Int?, into members: inout [(key: String, member: ModuleMember)],
                        unsupported: (Any) -> Never) {
        if let parameter = value as? Parameter {
            members.append((key, .parameter(parameter)))
            return
        }
        if let module = value as? any Module {
            members.append((key, .module(module)))
            return
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first?.value {
                collect(wrapped, key: key, firstNumber: firstNumber, into: &members, unsupported: unsupported)
            }
        case .collection:
            for (index, element) in mirror.children.enumerated() {
                let elementKey = firstNumber.map { "\(key)\(index + $0)" } ?? joinedKey(key, String(index))
                collect(element.value, key: elementKey, firstNumber: nil, into: &members, unsupported: unsupported)
            }
        default:
            unsupported(value)
        }
    }
}

/// `prefix.key`, or either alone when the other is empty.
func joinedKey(_ prefix: String, _ key: String) -> String {
    if prefix.isEmpty { return key }
    if key.isEmpty { return prefix }
    return prefix + "." + key
}
