import Foundation

/// An interpreter for Python pickles (protocols 0–5) that builds a `PickleValue` tree and never
/// runs code.
///
/// Pickle is a stack machine whose GLOBAL and REDUCE opcodes import and call arbitrary Python
/// functions, which is why loading an untrusted `.pt` with Python's pickle can run anything.
/// This interpreter resolves every global against `PickleGlobal`'s whitelist and interprets the
/// few it knows — tensor rebuilding, containers, `torch.Size`, bytes helpers, NumPy's array
/// reconstruction — so a checkpoint naming `os.system`, `builtins.eval` or `subprocess.Popen` throws
/// `CheckpointError.forbiddenGlobal` before anything else happens. Opcode semantics follow
/// CPython's `pickletools` documentation.
public struct Unpickler {
    /// Turns a persistent id (PyTorch: `("storage", StorageClass, key, location, count)`) into a value.
    typealias PersistentLoader = (PickleValue) throws -> PickleValue

    private var reader: ByteReader
    private let path: String
    private let part: String
    private let allowsTorchScriptClasses: Bool
    private let persistentLoad: PersistentLoader?
    private var stack: [PickleNode] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleNode] = [:]
    private var opcodeOffset = 0
    private let freezeBudget = PickleNode.FreezeBudget()
    private let registry = PickleNode.Registry()

    /// Prepares to read one pickle of `bytes` starting at `position`.
    /// - Parameters:
    ///   - path, part: the file and the part of it (zip entry, "main pickle") named in errors.
    ///   - allowsTorchScriptClasses: record `__torch__.…` classes as objects (TorchScript archives).
    ///   - persistentLoad: resolves persistent ids; without it they are refused.
    init(bytes: UnsafeRawBufferPointer, position: Int = 0, path: String, part: String,
         allowsTorchScriptClasses: Bool = false, persistentLoad: PersistentLoader? = nil) {
        reader = ByteReader(bytes, position: position, path: path, part: part)
        self.path = path
        self.part = part
        self.allowsTorchScriptClasses = allowsTorchScriptClasses
        self.persistentLoad = persistentLoad
    }

    /// Offset of the next unread byte (just past STOP once `load` returns).
    var position: Int { reader.position }

    /// The value of a pickle held in `bytes`.
    public static func value(of bytes: [UInt8], name: String = "pickle") throws -> PickleValue {
        try bytes.withUnsafeBytes { buffer in
            var unpickler = Unpickler(bytes: buffer, path: name, part: "pickle")
            return try unpickler.load()
        }
    }

    /// The value of a pickle file (plain data; tensors need `TorchCheckpoint`).
    public static func value(contentsOf url: URL) throws -> PickleValue {
        let file = try MemoryMappedFile(path: url.path)
        return try withExtendedLifetime(file) {
            var unpickler = Unpickler(bytes: file.bytes, path: url.path, part: "pickle")
            return try unpickler.load()
        }
    }

    // MARK: - Errors

    private func corrupt(_ reason: String) -> CheckpointError {
        .corrupt(path: path, part: "\(part) at byte \(opcodeOffset)", reason: reason)
    }

    private func unsupported(_ feature: String) -> CheckpointError {
        .unsupportedFeature(path: path, part: "\(part) at byte \(opcodeOffset)", feature: feature)
    }

    // MARK: - Stack

    private var markFloor: Int { marks.last ?? 0 }

    private mutating func push(_ node: PickleNode) { stack.append(node) }
    private mutating func push(_ value: PickleValue) { stack.append(.value(value)) }

    private mutating func pop() throws -> PickleNode {
        guard stack.count > markFloor else { throw corrupt("stack underflow") }
        return stack.removeLast()
    }

    private func top() throws -> PickleNode {
        guard stack.count > markFloor, let last = stack.last else { throw corrupt("stack underflow") }
        return last
    }

    /// The items pushed since the last MARK, removing them and the mark.
    private mutating func popMark() throws -> [PickleNode] {
        guard let mark = marks.popLast() else { throw corrupt("no MARK on the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func freeze(_ node: PickleNode) throws -> PickleValue {
        do {
            return try node.frozen(budget: freezeBudget)
        } catch PickleNode.FreezeError.tooDeep {
            throw corrupt("values nest deeper than \(PickleNode.FreezeBudget.maximumDepth) levels (or refer to themselves)")
        } catch PickleNode.FreezeError.tooLarge {
            throw corrupt("the value tree exceeds \(PickleNode.FreezeBudget.maximumNodes) nodes")
        }
    }

    // MARK: - Interpreter

    /// Runs opcodes up to STOP and returns the pickled value.
    mutating func load() throws -> PickleValue {
        defer {
            stack.removeAll()
            memo.removeAll()
            registry.dismantle()
        }
        while true {
            opcodeOffset = reader.position
            let byte = try reader.readUInt8()
            guard let opcode = PickleOpcode(rawValue: byte) else {
                throw corrupt("unknown opcode 0x\(String(byte, radix: 16))")
            }
            if opcode == .stop {
                return try freeze(try pop())
            }
            try execute(opcode)
        }
    }

    private mutating func execute(_ opcode: PickleOpcode) throws {
        switch opcode {
        case .stop:
            break
        case .protocolVersion:
            let version = try reader.readUInt8()
            guard version <= 5 else { throw unsupported("pickle protocol \(version)") }
        case .frame:
            _ = try reader.readUInt64()  // framing is only a read-ahead hint
        case .mark:
            marks.append(stack.count)
        case .pop:
            if stack.count > markFloor { stack.removeLast() } else { _ = try popMark() }
        case .popMark:
            _ = try popMark()
        case .duplicate:
            push(try top())

        // Scalars.
        case .none: push(.none)
        case .newTrue: push(.bool(true))
        case .newFalse: push(.bool(false))
        case .integer:
            let text = try lineText()
            if text == "00" { push(.bool(false)) } else if text == "01" { push(.bool(true)) } else { push(try decimalInteger(text)) }
        case .long:
            var text = try lineText()
            if text.hasSuffix("L") { text.removeLast() }
            push(try decimalInteger(text))
        case .binaryInteger: push(.integer(Int(try reader.readInt32())))
        case .binaryInteger1: push(.integer(Int(try reader.readUInt8())))
        case .binaryInteger2: push(.integer(Int(try reader.readUInt16())))
        case .long1:
            let count = Int(try reader.readUInt8())
            push(PickleLiteral.integer(littleEndian: Array(try reader.readBytes(count))))
        case .long4:
            let count = try reader.checkedLength(try reader.readInt32())
            push(PickleLiteral.integer(littleEndian: Array(try reader.readBytes(count))))
        case .float:
            let text = try lineText()
            guard let value = Double(text) else { throw corrupt("invalid float '\(text)'") }
            push(.float(value))
        case .binaryFloat:
            push(.float(try reader.readBigEndianDouble()))

        // Strings and bytes.
        case .string:
            guard let bytes = PickleLiteral.unescapedQuoted(Array(try reader.readLine())) else { throw corrupt("malformed quoted STRING") }
            push(.string(PickleLiteral.legacyString(bytes)))
        case .binaryString:
            let count = try reader.checkedLength(try reader.readInt32())
            push(.string(PickleLiteral.legacyString(Array(try reader.readBytes(count)))))
        case .shortBinaryString:
            let count = Int(try reader.readUInt8())
            push(.string(PickleLiteral.legacyString(Array(try reader.readBytes(count)))))
        case .unicode:
            guard let text = PickleLiteral.rawUnicodeEscape(Array(try reader.readLine())) else { throw corrupt("malformed raw-unicode-escape string") }
            push(.string(text))
        case .shortBinaryUnicode:
            let count = Int(try reader.readUInt8())
            push(.string(String(decoding: try reader.readBytes(count), as: UTF8.self)))
        case .binaryUnicode:
            let count = try reader.checkedLength(try reader.readUInt32())
            push(.string(String(decoding: try reader.readBytes(count), as: UTF8.self)))
        case .binaryUnicode8:
            let count = try reader.checkedLength(try reader.readUInt64())
            push(.string(String(decoding: try reader.readBytes(count), as: UTF8.self)))
        case .shortBinaryBytes:
            let count = Int(try reader.readUInt8())
            push(.bytes(Array(try reader.readBytes(count))))
        case .binaryBytes:
            let count = try reader.checkedLength(try reader.readUInt32())
            push(.bytes(Array(try reader.readBytes(count))))
        case .binaryBytes8, .byteArray8:
            let count = try reader.checkedLength(try reader.readUInt64())
            push(.bytes(Array(try reader.readBytes(count))))
        case .nextBuffer, .readOnlyBuffer:
            throw unsupported("out-of-band buffers (pickle protocol 5)")

        // Containers.
        case .emptyTuple: push(tuple([]))
        case .tuple1: push(tuple([try pop()]))
        case .tuple2:
            let second = try pop()
            push(tuple([try pop(), second]))
        case .tuple3:
            let third = try pop()
            let second = try pop()
            push(tuple([try pop(), second, third]))
        case .tuple: push(tuple(try popMark()))
        case .emptyList: push(.list(registry.add(PickleNode.ListBox())))
        case .list: push(.list(registry.add(PickleNode.ListBox(try popMark()))))
        case .emptyDictionary: push(.dictionary(registry.add(PickleNode.DictionaryBox(isOrdered: false))))
        case .dictionary:
            let items = try popMark()
            let box = registry.add(PickleNode.DictionaryBox(isOrdered: false))
            try insert(items, into: box)
            push(.dictionary(box))
        case .emptySet: push(.set(PickleNode.SetBox()))
        case .frozenSet:
            let box = PickleNode.SetBox()
            for item in try popMark() { box.insert(try freeze(item)) }
            push(.set(box.items))
        case .append:
            let value = try pop()
            guard case let .list(box) = try top() else { throw corrupt("APPEND to a value that is not a list") }
            box.items.append(value)
        case .appends:
            let items = try popMark()
            guard case let .list(box) = try top() else { throw corrupt("APPENDS to a value that is not a list") }
            box.items.append(contentsOf: items)
        case .setItem:
            let value = try pop()
            let key = try pop()
            guard case let .dictionary(box) = try top() else { throw corrupt("SETITEM on a value that is not a dict") }
            box.set(value, for: try freeze(key))
        case .setItems:
            let items = try popMark()
            guard case let .dictionary(box) = try top() else { throw corrupt("SETITEMS on a value that is not a dict") }
            try insert(items, into: box)
        case .addItems:
            let items = try popMark()
            guard case let .set(box) = try top() else { throw corrupt("ADDITEMS on a value that is not a set") }
            for item in items { box.insert(try freeze(item)) }

        // Memo.
        case .put: memo[try memoIndex(try lineText())] = try top()
        case .binaryPut: memo[Int(try reader.readUInt8())] = try top()
        case .longBinaryPut: memo[Int(try reader.readUInt32())] = try top()
        case .memoize: memo[memo.count] = try top()
        case .get: push(try memoValue(try memoIndex(try lineText())))
        case .binaryGet: push(try memoValue(Int(try reader.readUInt8())))
        case .longBinaryGet: push(try memoValue(Int(try reader.readUInt32())))

        // Globals and calls: only through the whitelist.
        case .global:
            let module = try lineText()
            let name = try lineText()
            push(.global(try resolve(module: module, name: name)))
        case .stackGlobal:
            guard case let .value(.string(name)) = try pop(), case let .value(.string(module)) = try pop() else {
                throw corrupt("STACK_GLOBAL needs two strings")
            }
            push(.global(try resolve(module: module, name: name)))
        case .reduce:
            let arguments = try pop()
            let callable = try pop()
            guard case let .global(global) = callable else { throw corrupt("REDUCE on a value that is not a whitelisted callable") }
            push(try call(global, try argumentList(arguments)))
        case .newObject:
            let arguments = try pop()
            guard case let .global(global) = try pop() else { throw corrupt("NEWOBJ on a value that is not a class") }
            push(try newObject(global, try argumentList(arguments)))
        case .newObjectWithKeywords:
            let keywords = try pop()
            let arguments = try pop()
            guard case let .global(global) = try pop() else { throw corrupt("NEWOBJ_EX on a value that is not a class") }
            guard case let .dictionary(box) = keywords, box.keys.isEmpty else {
                throw unsupported("keyword arguments to \(global.qualifiedName)")
            }
            push(try newObject(global, try argumentList(arguments)))
        case .instance:
            let module = try lineText()
            let name = try lineText()
            let arguments = try popMark()
            push(try call(try resolve(module: module, name: name), arguments))
        case .object:
            let items = try popMark()
            guard case let .global(global)? = items.first else { throw corrupt("OBJ without a class") }
            push(try call(global, Array(items.dropFirst())))
        case .build:
            let state = try pop()
            try build(try top(), state: state)
        case .persistentID:
            push(try loadPersistent(.string(try lineText())))
        case .binaryPersistentID:
            push(try loadPersistent(try freeze(try pop())))
        case .extension1, .extension2, .extension4:
            throw unsupported("the copyreg extension registry (EXT opcodes)")
        }
    }

    // MARK: - Opcode helpers

    private func decimalInteger(_ text: String) throws -> PickleValue {
        guard let value = PickleLiteral.integer(decimal: text) else { throw corrupt("invalid integer '\(text.prefix(40))'") }
        return value
    }

    private func tuple(_ items: [PickleNode]) -> PickleNode {
        .tuple(registry.add(PickleNode.TupleBox(items)))
    }

    private mutating func lineText() throws -> String {
        String(decoding: try reader.readLine(), as: UTF8.self)
    }

    private func memoIndex(_ text: String) throws -> Int {
        guard let index = Int(text), index >= 0 else { throw corrupt("invalid memo index '\(text)'") }
        return index
    }

    private func memoValue(_ index: Int) throws -> PickleNode {
        guard let node = memo[index] else { throw corrupt("memo entry \(index) was never stored") }
        return node
    }

    private func insert(_ items: [PickleNode], into box: PickleNode.DictionaryBox) throws {
        guard items.count % 2 == 0 else { throw corrupt("odd number of items for a dict") }
        for index in stride(from: 0, to: items.count, by: 2) {
            box.set(items[index + 1], for: try freeze(items[index]))
        }
    }

    private func argumentList(_ node: PickleNode) throws -> [PickleNode] {
        switch node {
        case let .tuple(box): return box.items
        case let .list(box): return box.items
        default: throw corrupt("call arguments are not a tuple")
        }
    }

    private func resolve(module: String, name: String) throws -> PickleGlobal {
        guard let global = PickleGlobal.resolve(module: module, name: name, allowsTorchScriptClasses: allowsTorchScriptClasses) else {
            if module == "torch._utils", name.hasPrefix("_rebuild_") {
                // A real rebuild function for tensors this loader does not read; say so plainly.
                throw CheckpointError.unsupportedFeature(path: path, part: part,
                                                         feature: "\(module).\(name) (quantized, sparse, nested or device-specific tensors)")
            }
            throw CheckpointError.forbiddenGlobal(path: path, part: part, name: "\(module).\(name)")
        }
        return global
    }

    private func loadPersistent(_ identifier: PickleValue) throws -> PickleNode {
        guard let persistentLoad else { throw unsupported("persistent ids outside a PyTorch checkpoint") }
        return .value(try persistentLoad(identifier))
    }

    // MARK: - Whitelisted calls

    /// The result of calling `global(arguments...)`, interpreted without running anything.
    private func call(_ global: PickleGlobal, _ arguments: [PickleNode]) throws -> PickleNode {
        let name = global.qualifiedName
        switch global {
        case .orderedDictionary:
            let box = registry.add(PickleNode.DictionaryBox(isOrdered: true))
            guard arguments.count <= 1 else { throw corrupt("\(name) takes at most one argument") }
            if let source = arguments.first {
                switch try freeze(source) {
                case let .dictionary(entries):
                    for entry in entries { box.set(.value(entry.value), for: entry.key) }
                case let .list(pairs), let .tuple(pairs):
                    // Any two-item sequence is a pair (PyTorch 0.4 pickled `[name, tensor]` lists).
                    for pair in pairs {
                        switch pair {
                        case let .tuple(parts) where parts.count == 2, let .list(parts) where parts.count == 2:
                            box.set(.value(parts[1]), for: parts[0])
                        default:
                            throw corrupt("\(name) items are not pairs")
                        }
                    }
                default:
                    throw corrupt("\(name) argument is not a dict or a list of pairs")
                }
            }
            return .dictionary(box)

        case .rebuildTensor, .rebuildTensorVersion2, .rebuildTensorVersion3:
            return .value(.tensor(try tensorReference(global, arguments)))

        case .rebuildParameter, .rebuildParameterWithState:
            guard arguments.count >= 3, case let .value(.tensor(reference)) = arguments[0] else {
                throw corrupt("\(name) expects a tensor and a requires_grad flag")
            }
            let requiresGradient = try freeze(arguments[1]).boolValue ?? false
            return .value(.tensor(reference.requiringGradient(requiresGradient)))

        case .rebuildFromType:
            guard arguments.count == 4, case let .global(function) = arguments[0],
                  case .global(.tensorType) = arguments[1] else {
                throw corrupt("\(name) expects a rebuild function and torch.Tensor or Parameter")
            }
            switch function {
            case .rebuildTensor, .rebuildTensorVersion2, .rebuildTensorVersion3, .rebuildParameter, .rebuildParameterWithState:
                return try call(function, try argumentList(arguments[2]))
            default:
                throw corrupt("\(name) wraps \(function.qualifiedName), which does not rebuild a tensor")
            }

        case .size:
            guard arguments.count <= 1 else { throw corrupt("torch.Size takes one sequence") }
            guard let first = arguments.first else { return .value(.tuple([])) }
            guard let dimensions = try freeze(first).elements, dimensions.allSatisfy({ $0.integerValue != nil }) else {
                throw corrupt("torch.Size argument is not a sequence of integers")
            }
            return .value(.tuple(dimensions))

        case .device:
            return .value(.object(PickleObject(typeName: name, arguments: try arguments.map(freeze))))

        case .codecsEncode:
            guard arguments.count == 2, case let .string(text) = try freeze(arguments[0]),
                  case let .string(encoding) = try freeze(arguments[1]) else {
                throw corrupt("_codecs.encode expects a string and an encoding")
            }
            return .value(.bytes(try encode(text, encoding)))

        case .bytes, .byteArray:
            let values = try arguments.map(freeze)
            switch values.count {
            case 0:
                return .value(.bytes([]))
            case 1:
                if case let .bytes(bytes) = values[0] { return .value(.bytes(bytes)) }
                if let items = values[0].elements {
                    let bytes = items.compactMap { $0.integerValue.flatMap { UInt8(exactly: $0) } }
                    guard bytes.count == items.count else { throw corrupt("\(name) items are not bytes") }
                    return .value(.bytes(bytes))
                }
                throw corrupt("\(name) argument is not bytes or a list of integers")
            case 2:
                guard case let .string(text) = values[0], case let .string(encoding) = values[1] else {
                    throw corrupt("\(name) expects a string and an encoding")
                }
                return .value(.bytes(try encode(text, encoding)))
            default:
                throw corrupt("\(name) takes at most two arguments")
            }

        case .set, .frozenSet:
            let box = PickleNode.SetBox()
            guard arguments.count <= 1 else { throw corrupt("\(name) takes at most one argument") }
            if let first = arguments.first {
                guard let items = try freeze(first).elements else { throw corrupt("\(name) argument is not a sequence") }
                for item in items { box.insert(item) }
            }
            if case .frozenSet = global { return .value(.set(box.items)) }
            return .set(box)

        case let .torchScriptClass(typeName):
            return .object(registry.add(PickleNode.ObjectBox(typeName: typeName, arguments: arguments)))

        case .torchScriptListBuilder:
            guard arguments.count == 1 else { throw corrupt("\(name) takes one list") }
            return arguments[0]

        case .torchScriptTypeTag:
            guard arguments.count == 2 else { throw corrupt("\(name) takes a value and a type") }
            return arguments[0]

        case .numpyReconstruct:
            guard arguments.count == 3, case .global(.numpyArrayType) = arguments[0] else {
                throw corrupt("\(name) expects numpy.ndarray, a shape and a type code")
            }
            return .object(registry.add(PickleNode.ObjectBox(typeName: NumPyArray.typeName, arguments: [])))

        case .numpyDataType:
            guard (1...3).contains(arguments.count), case let .string(code) = try freeze(arguments[0]) else {
                throw corrupt("\(name) expects a type code such as 'f4'")
            }
            return .object(registry.add(PickleNode.ObjectBox(typeName: NumPyArray.dataTypeName, arguments: [.value(.string(code))])))

        case .tensorType, .storageType, .dataType, .numpyArrayType:
            throw corrupt("\(name) may appear as a value but is never called")
        }
    }

    /// `cls.__new__(cls, *arguments)` for the classes that may be instantiated.
    private func newObject(_ global: PickleGlobal, _ arguments: [PickleNode]) throws -> PickleNode {
        switch global {
        case .orderedDictionary:
            return .dictionary(registry.add(PickleNode.DictionaryBox(isOrdered: true)))
        case .set:
            return .set(PickleNode.SetBox())
        case .frozenSet:
            return .value(.set([]))
        case let .torchScriptClass(typeName):
            return .object(registry.add(PickleNode.ObjectBox(typeName: typeName, arguments: arguments)))
        default:
            throw corrupt("\(global.qualifiedName) cannot be instantiated with NEWOBJ")
        }
    }

    /// BUILD: records `state` on the object it belongs to.
    private func build(_ target: PickleNode, state: PickleNode) throws {
        switch target {
        case let .object(box):
            box.state = state
        case let .dictionary(box) where box.isOrdered:
            box.state = state
        case .value(.tensor):
            // Tensor subclasses carry a Python `__dict__`; tensors themselves are complete.
            guard case .value(.none) = state else { throw corrupt("BUILD with state on a tensor") }
        default:
            throw corrupt("BUILD on a value that has no state to set")
        }
    }

    private func encode(_ text: String, _ encoding: String) throws -> [UInt8] {
        switch encoding.lowercased() {
        case "latin1", "latin-1", "iso-8859-1", "iso8859-1":
            let bytes = text.unicodeScalars.compactMap { UInt8(exactly: $0.value) }
            guard bytes.count == text.unicodeScalars.count else { throw corrupt("text is not latin-1") }
            return bytes
        case "utf-8", "utf8":
            return Array(text.utf8)
        case "ascii":
            guard text.unicodeScalars.allSatisfy(\.isASCII) else { throw corrupt("text is not ASCII") }
            return Array(text.utf8)
        default:
            throw unsupported("the \(encoding) codec")
        }
    }

    /// A `TorchTensorReference` from `_rebuild_tensor{,_v2,_v3}` arguments.
    private func tensorReference(_ global: PickleGlobal, _ arguments: [PickleNode]) throws -> TorchTensorReference {
        let name = global.qualifiedName
        let values = try arguments.map(freeze)
        let minimum: Int
        switch global {
        case .rebuildTensor: minimum = 4
        case .rebuildTensorVersion2: minimum = 6
        default: minimum = 7
        }
        guard values.count >= minimum, values.count <= minimum + 1 else {
            throw corrupt("\(name) got \(values.count) arguments")
        }
        guard case let .storage(storage) = values[0] else { throw corrupt("\(name) first argument is not a storage") }
        guard let offset = values[1].integerValue, offset >= 0 else { throw corrupt("\(name) storage offset is not a non-negative integer") }
        func integers(_ value: PickleValue, _ what: String) throws -> [Int] {
            guard let items = value.elements else { throw corrupt("\(name) \(what) is not a tuple") }
            return try items.map {
                guard let number = $0.integerValue, number >= 0 else { throw corrupt("\(name) \(what) holds a non-negative integer") }
                return number
            }
        }
        let shape = try integers(values[2], "size")
        let strides = try integers(values[3], "stride")
        guard shape.count == strides.count else { throw corrupt("\(name) has \(shape.count) sizes but \(strides.count) strides") }
        let requiresGradient = values.count > 4 ? (values[4].boolValue ?? false) : false

        var dataTypeName = PickleGlobal.storageKind(named: storage.storageTypeName)?.dataTypeName ?? storage.dataType?.torchName ?? "unknown"
        var dataType = storage.dataType
        if case .rebuildTensorVersion3 = global {
            guard case let .global(qualified) = values[6], qualified.hasPrefix("torch."),
                  case let .dataType(typeName, type)? = PickleGlobal.resolve(module: "torch", name: String(qualified.dropFirst(6)), allowsTorchScriptClasses: false) else {
                throw corrupt("\(name) dtype argument is not a torch dtype")
            }
            dataTypeName = typeName
            dataType = type
        }
        return TorchTensorReference(storage: storage, dataTypeName: dataTypeName, dataType: dataType,
                                    storageOffset: offset, shape: shape, strides: strides, requiresGradient: requiresGradient)
    }
}
