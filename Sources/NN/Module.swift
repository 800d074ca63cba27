/// A parameter or a child module registered on a module.
public enum ModuleMember {
    case parameter(Parameter)
    case module(any Module)
}

/// A layer or a whole model: a value whose parameters and child modules are each registered once,
/// under their checkpoint key, with `@Key` (PyTorch's `nn.Module` attribute names; mlx-swift's
/// `@ModuleInfo(key:)`). Everything that needs the parameters — strict loading, saving, the
/// optimiser's list, freezing, train/eval mode — derives them from those registrations, so a
/// parameter cannot be left out of one of them by forgetting a second list.
///
/// ```swift
/// struct Block: Module {
///     @Key("ln_1") var attentionNorm: LayerNorm
///     @Key("attn") var attention: Attention
/// }
/// Block(…).namedParameters  // ln_1.weight, ln_1.bias, attn.in_proj_weight, …
/// ```
///
/// The walk is reflection (`Mirror`) over the stored properties, about 1.4 ms for a ViT-B/32 CLIP
/// (`clipkit-bench models`); call it when building, loading, saving or switching modes, not per
/// forward pass or per optimiser step (optimisers keep the `[Parameter]` list they were given).
public protocol Module {
    /// The parameters and child modules registered directly on this module, under their keys, in
    /// declaration order. The default reads the `@Key` properties by reflection and traps on a
    /// stored `Parameter` or `Module` without one; only a sum type (an enum of alternative
    /// modules) writes it by hand.
    var registeredMembers: [(key: String, member: ModuleMember)] { get }
}

extension Module {
    public var registeredMembers: [(key: String, member: ModuleMember)] { reflectedMembers(of: self) }

    /// Every parameter and buffer under its full name relative to this module (`"weight"`,
    /// `"ln_1.bias"`, `"resblocks.0.attn.in_proj_weight"`), depth-first in declaration order.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        var result: [(name: String, parameter: Parameter)] = []
        visit(prefix: "") { path, member in
            if case let .parameter(parameter) = member { result.append((path, parameter)) }
        }
        return result
    }

    /// This module (path "") and every module below it, depth-first in declaration order.
    public var namedModules: [(path: String, module: any Module)] {
        var result: [(path: String, module: any Module)] = [("", self)]
        visit(prefix: "") { path, member in
            if case let .module(module) = member { result.append((path, module)) }
        }
        return result
    }

    /// Parameters keyed by name.
    public var parameterDictionary: [String: Parameter] {
        Dictionary(namedParameters.map { ($0.name, $0.parameter) }, uniquingKeysWith: { first, _ in first })
    }

    /// Only the trainable parameters, in declaration order.
    public var trainableParameters: [Parameter] { namedParameters.map(\.parameter).filter(\.isTrainable) }

    /// Calls `body` for every member below this module with its full path, parents before children.
    func visit(prefix: String, _ body: (String, ModuleMember) -> Void) {
        for (key, member) in registeredMembers {
            let path = joinedKey(prefix, key)
            body(path, member)
            if case let .module(module) = member { module.visit(prefix: path, body) }
        }
    }
}

/// The `@Key` registrations of `module`'s stored properties (superclass ones first for a class).
func reflectedMembers(of module: any Module) -> [(key: String, member: ModuleMember)] {
    let owner = type(of: module)
    var mirrors: [Mirror] = []
    var mirror: Mirror? = Mirror(reflecting: module)
    while let current = mirror {
        mirrors.insert(current, at: 0)
        mirror = current.superclassMirror
    }
    var members: [(key: String, member: ModuleMember)] = []
    for mirror in mirrors {
        for child in mirror.children {
            let label = child.label ?? "?"
            if let registration = child.value as? KeyRegistration {
                let property = label.hasPrefix("_") ? String(label.dropFirst()) : label
                members += registration.registeredMembers(owner: owner, property: property)
            } else if holdsParametersOrModules(child.value) {
                fatalError("\(owner).\(label) holds a Parameter or Module without @Key: declare it "
                                    + "@Key(\"<checkpoint name>\") so that it is loaded, saved and trained")
            }
        }
    }
    return members
}

/// Whether an unregistered stored value holds a parameter or module (directly, in an optional,
/// a tuple or a collection; collections are judged by their first element).
func holdsParametersOrModules(_ value: Any) -> Bool {
    if value is Parameter || value is any Module { return true }
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .optional, .collection, .set, .dictionary:
        return mirror.children.first.map { holdsParametersOrModules($0.value) } ?? false
    case .tuple:
        return mirror.children.contains { holdsParametersOrModules($0.value) }
    default:
        return false
    }
}
