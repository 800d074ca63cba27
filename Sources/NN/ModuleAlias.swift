// Temporary shim until the module API lands (the nn branch replaces this file).
public typealias Module = ParameterGroup

@propertyWrapper
public struct Key<Value> {
    var stored: Value?
    public let key: String
    public init(_ key: String) { self.key = key }
    public var wrappedValue: Value {
        get { guard let stored else { preconditionFailure("\(key) was never assigned") }; return stored }
        set { stored = newValue }
    }
}

protocol KeyedProperty { var keyedParameters: [(name: String, parameter: Parameter)] { get } }

extension Key: KeyedProperty {
    var keyedParameters: [(name: String, parameter: Parameter)] {
        func entries(_ value: Any, prefix: String) -> [(name: String, parameter: Parameter)] {
            if let parameter = value as? Parameter { return [(prefix, parameter)] }
            if let group = value as? ParameterGroup { return nested(prefix, group) }
            if let list = value as? [Any] { return list.enumerated().flatMap { entries($0.element, prefix: prefix.isEmpty ? "\($0.offset)" : "\(prefix).\($0.offset)") } }
            return []
        }
        guard let stored else { return [] }
        return entries(stored as Any, prefix: key)
    }
}

extension ParameterGroup {
    public var reflectedParameters: [(name: String, parameter: Parameter)] {
        Mirror(reflecting: self).children.flatMap { ($0.value as? KeyedProperty)?.keyedParameters ?? [] }
    }
}
