/// The unpickler's working values: Python containers are mutable and shared by reference (a list
/// is memoised, then filled by APPENDS; BUILD fills an object later), so they live in boxes until
/// STOP, when `frozen` turns the graph into an immutable `PickleValue` tree.
///
/// Every container is a box listed in a `Registry`, which empties them one by one when unpickling
/// ends: a hostile pickle nesting a million containers would otherwise overflow the stack when
/// the graph is released.
enum PickleNode {
    case value(PickleValue)
    case tuple(TupleBox)
    case list(ListBox)
    case dictionary(DictionaryBox)
    case set(SetBox)
    case object(ObjectBox)
    case global(PickleGlobal)

    /// A box whose children `Registry.dismantle` can drop.
    protocol Box: AnyObject {
        func removeChildren()
    }

    /// Keeps every box of one unpickling and releases them without recursion.
    final class Registry {
        private var boxes: [Box] = []

        func add<T: Box>(_ box: T) -> T {
            boxes.append(box)
            return box
        }

        /// Empties every box; afterwards releasing any of them frees nothing nested.
        func dismantle() {
            for box in boxes { box.removeChildren() }
            boxes.removeAll()
        }
    }

    final class TupleBox: Box {
        private(set) var items: [PickleNode]
        init(_ items: [PickleNode]) { self.items = items }
        func removeChildren() { items.removeAll() }
    }

    final class ListBox: Box {
        var items: [PickleNode] = []
        init(_ items: [PickleNode] = []) { self.items = items }
        func removeChildren() { items.removeAll() }
    }

    /// A dict or OrderedDict: keys are frozen when inserted, as Python hashes them then.
    final class DictionaryBox: Box {
        let isOrdered: Bool
        private(set) var keys: [PickleValue] = []
        private(set) var values: [PickleNode] = []
        private var positions: [PickleValue: Int] = [:]
        /// Attributes set by BUILD (an OrderedDict's `_metadata`).
        var state: PickleNode?

        init(isOrdered: Bool) { self.isOrdered = isOrdered }

        func removeChildren() {
            values.removeAll()
            state = nil
        }

        /// Python semantics: a repeated key keeps its first position and takes the new value.
        func set(_ value: PickleNode, for key: PickleValue) {
            if let position = positions[key] {
                values[position] = value
            } else {
                positions[key] = keys.count
                keys.append(key)
                values.append(value)
            }
        }
    }

    final class SetBox {
        private(set) var items: [PickleValue] = []
        private var members: Set<PickleValue> = []

        func insert(_ item: PickleValue) {
            if members.insert(item).inserted { items.append(item) }
        }
    }

    /// An instance recorded, not constructed: TorchScript modules and other whitelisted types.
    final class ObjectBox: Box {
        let typeName: String
        private(set) var arguments: [PickleNode]
        var state: PickleNode?

        init(typeName: String, arguments: [PickleNode]) {
            self.typeName = typeName
            self.arguments = arguments
        }

        func removeChildren() {
            arguments.removeAll()
            state = nil
        }
    }

    /// The work allowed for freezing during one unpickling: shared subtrees are copied each time
    /// they are reached, so hostile pickles could otherwise grow exponentially or be re-frozen
    /// again and again. One budget covers every freeze of a pickle.
    final class FreezeBudget {
        static let maximumDepth = 200
        static let maximumNodes = 5_000_000
        var remaining = maximumNodes
    }

    /// Why freezing stopped.
    enum FreezeError: Error {
        case tooDeep
        case tooLarge
    }

    /// The immutable value of this node (deep copy of every box it reaches).
    func frozen(budget: FreezeBudget, depth: Int = 0) throws -> PickleValue {
        guard depth < FreezeBudget.maximumDepth else { throw FreezeError.tooDeep }
        budget.remaining -= 1
        guard budget.remaining >= 0 else { throw FreezeError.tooLarge }
        switch self {
        case let .value(value):
            return value
        case let .tuple(box):
            return .tuple(try box.items.map { try $0.frozen(budget: budget, depth: depth + 1) })
        case let .list(box):
            return .list(try box.items.map { try $0.frozen(budget: budget, depth: depth + 1) })
        case let .set(box):
            return .set(box.items)
        case let .dictionary(box):
            var entries: [PickleDictionaryEntry] = []
            entries.reserveCapacity(box.keys.count)
            for (key, value) in zip(box.keys, box.values) {
                entries.append(PickleDictionaryEntry(key: key, value: try value.frozen(budget: budget, depth: depth + 1)))
            }
            guard let state = box.state else { return .dictionary(entries) }
            return .object(PickleObject(typeName: box.isOrdered ? "collections.OrderedDict" : "builtins.dict",
                                        state: try state.frozen(budget: budget, depth: depth + 1), items: entries))
        case let .object(box):
            return .object(PickleObject(
                typeName: box.typeName,
                arguments: try box.arguments.map { try $0.frozen(budget: budget, depth: depth + 1) },
                state: try box.state?.frozen(budget: budget, depth: depth + 1) ?? .none))
        case let .global(global):
            return .global(global.qualifiedName)
        }
    }
}
