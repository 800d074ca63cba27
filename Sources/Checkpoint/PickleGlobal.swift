/// The whitelist: every global a checkpoint pickle may name, and nothing else.
///
/// A pickle's GLOBAL/STACK_GLOBAL opcodes name Python callables that a normal unpickler would
/// import and call. The `Unpickler` resolves each name against this list and interprets the few
/// it knows (tensor rebuilding, containers, `torch.Size`, bytes helpers, NumPy's array
/// reconstruction); any other name, such
/// as `os.system` or `builtins.eval`, stops loading with `CheckpointError.forbiddenGlobal`.
/// Names were taken from what `torch.save`, `torch.jit.save` and Python's pickler actually emit.
enum PickleGlobal: Hashable {
    case orderedDictionary
    /// `torch._utils._rebuild_tensor(storage, offset, size, stride)`.
    case rebuildTensor
    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`.
    case rebuildTensorVersion2
    /// `torch._utils._rebuild_tensor_v3(storage, offset, size, stride, requires_grad, hooks, dtype[, metadata])`.
    case rebuildTensorVersion3
    /// `torch._utils._rebuild_parameter(data, requires_grad, hooks)`.
    case rebuildParameter
    /// `torch._utils._rebuild_parameter_with_state(data, requires_grad, hooks, state)`.
    case rebuildParameterWithState
    /// `torch._tensor._rebuild_from_type_v2(function, type, arguments, state)` for tensor subclasses.
    case rebuildFromType
    /// `torch.Tensor` or `torch.nn.parameter.Parameter`, only as `_rebuild_from_type_v2`'s type argument.
    case tensorType(String)
    /// A storage class, used as a value inside persistent ids.
    case storageType(StorageKind)
    /// A dtype object such as `torch.float16`, used as a value.
    case dataType(name: String, type: CheckpointDataType?)
    case size
    case device
    /// `_codecs.encode(text, encoding)`: how protocols 0–2 spell bytes.
    case codecsEncode
    case bytes
    case byteArray
    case set
    case frozenSet
    /// A class of a TorchScript archive (`__torch__.…`): recorded as an object, never run.
    case torchScriptClass(String)
    /// `torch.jit._pickle.build_intlist` and its siblings: identity on their list argument.
    case torchScriptListBuilder(String)
    /// `torch.jit._pickle.restore_type_tag(value, type)`: identity on `value`.
    case torchScriptTypeTag
    /// `numpy.core.multiarray._reconstruct(ndarray, shape, typecode)` (NumPy 2 spells the module
    /// `numpy._core.multiarray`): an empty array that BUILD fills with `(version, shape, dtype,
    /// fortran_order, raw bytes)`; recorded as a `numpy.ndarray` object, read by `NumPyArray`.
    case numpyReconstruct(module: String)
    /// `numpy.ndarray`, only as `_reconstruct`'s class argument.
    case numpyArrayType
    /// `numpy.dtype(code, align, copy)`: recorded as a `numpy.dtype` object whose BUILD state
    /// carries the byte order.
    case numpyDataType

    /// A storage class's element type (nil when not convertible), element size and dtype name.
    struct StorageKind: Hashable {
        let qualifiedName: String
        let dataType: CheckpointDataType?
        let byteSize: Int
        let dataTypeName: String
    }

    /// The storage classes by bare name; `UntypedStorage` holds bytes.
    private static let storageKinds: [String: (CheckpointDataType?, Int, String)] = [
        "FloatStorage": (.float32, 4, "float32"), "DoubleStorage": (.float64, 8, "float64"),
        "HalfStorage": (.float16, 2, "float16"), "BFloat16Storage": (.bfloat16, 2, "bfloat16"),
        "LongStorage": (.int64, 8, "int64"), "IntStorage": (.int32, 4, "int32"),
        "ShortStorage": (.int16, 2, "int16"), "CharStorage": (.int8, 1, "int8"),
        "ByteStorage": (.uint8, 1, "uint8"), "BoolStorage": (.bool, 1, "bool"),
        "UntypedStorage": (.uint8, 1, "uint8"),
        "ComplexFloatStorage": (nil, 8, "complex64"), "ComplexDoubleStorage": (nil, 16, "complex128"),
        "QInt8Storage": (nil, 1, "qint8"), "QUInt8Storage": (nil, 1, "quint8"),
        "QInt32Storage": (nil, 4, "qint32"), "QUInt4x2Storage": (nil, 1, "quint4x2"),
        "QUInt2x4Storage": (nil, 1, "quint2x4"),
    ]

    /// dtype names PyTorch has that this target recognises but cannot convert.
    private static let unconvertibleDataTypes: Set<String> = [
        "complex32", "complex64", "complex128", "chalf", "cfloat", "cdouble", "bcomplex32",
        "qint8", "quint8", "qint32", "quint4x2", "quint2x4",
        "float8_e5m2fnuz", "float8_e4m3fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2",
        "bits8", "bits16", "bits1x8", "bits2x4", "bits4x2",
    ]

    /// The whitelisted meaning of `module.name`, or nil when loading must refuse it.
    /// - Parameter allowsTorchScriptClasses: accept `__torch__.…` classes (TorchScript archives only).
    static func resolve(module: String, name: String, allowsTorchScriptClasses: Bool) -> PickleGlobal? {
        switch (module, name) {
        case ("collections", "OrderedDict"): return .orderedDictionary
        case ("torch._utils", "_rebuild_tensor"): return .rebuildTensor
        case ("torch._utils", "_rebuild_tensor_v2"): return .rebuildTensorVersion2
        case ("torch._utils", "_rebuild_tensor_v3"): return .rebuildTensorVersion3
        case ("torch._utils", "_rebuild_parameter"): return .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): return .rebuildParameterWithState
        case ("torch._tensor", "_rebuild_from_type_v2"): return .rebuildFromType
        case ("torch", "Tensor"), ("torch.nn.parameter", "Parameter"), ("torch.nn", "Parameter"):
            return .tensorType("\(module).\(name)")
        case ("torch", "Size"): return .size
        case ("torch", "device"): return .device
        case ("_codecs", "encode"): return .codecsEncode
        case ("builtins", "bytes"), ("__builtin__", "bytes"): return .bytes
        case ("builtins", "bytearray"), ("__builtin__", "bytearray"): return .byteArray
        case ("builtins", "set"), ("__builtin__", "set"): return .set
        case ("builtins", "frozenset"), ("__builtin__", "frozenset"): return .frozenSet
        case ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"):
            return .numpyReconstruct(module: module)
        case ("numpy", "ndarray"): return .numpyArrayType
        case ("numpy", "dtype"): return .numpyDataType
        case ("torch.jit._pickle", "restore_type_tag") where allowsTorchScriptClasses:
            return .torchScriptTypeTag
        case ("torch.jit._pickle", "build_intlist"), ("torch.jit._pickle", "build_tensorlist"),
             ("torch.jit._pickle", "build_doublelist"), ("torch.jit._pickle", "build_boollist"):
            return allowsTorchScriptClasses ? .torchScriptListBuilder(name) : nil
        default: break
        }
        if ["torch", "torch.cuda", "torch.storage"].contains(module), let kind = storageKinds[name],
           module != "torch.storage" || name == "UntypedStorage" {
            return .storageType(StorageKind(qualifiedName: "\(module).\(name)", dataType: kind.0, byteSize: kind.1, dataTypeName: kind.2))
        }
        if module == "torch" {
            if let type = CheckpointDataType(torchName: name) { return .dataType(name: type.torchName, type: type) }
            if unconvertibleDataTypes.contains(name) { return .dataType(name: name, type: nil) }
        }
        if allowsTorchScriptClasses, module == "__torch__" || module.hasPrefix("__torch__.") {
            return .torchScriptClass("\(module).\(name)")
        }
        return nil
    }

    /// The storage class named `qualifiedName` (`torch.FloatStorage`), if whitelisted.
    static func storageKind(named qualifiedName: String) -> StorageKind? {
        guard let dot = qualifiedName.lastIndex(of: ".") else { return nil }
        let module = String(qualifiedName[..<dot])
        let name = String(qualifiedName[qualifiedName.index(after: dot)...])
        if case let .storageType(kind)? = resolve(module: module, name: name, allowsTorchScriptClasses: false) {
            return kind
        }
        return nil
    }

    /// The dotted Python name.
    var qualifiedName: String {
        switch self {
        case .orderedDictionary: return "collections.OrderedDict"
        case .rebuildTensor: return "torch._utils._rebuild_tensor"
        case .rebuildTensorVersion2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildTensorVersion3: return "torch._utils._rebuild_tensor_v3"
        case .rebuildParameter: return "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: return "torch._utils._rebuild_parameter_with_state"
        case .rebuildFromType: return "torch._tensor._rebuild_from_type_v2"
        case let .tensorType(name): return name
        case let .storageType(kind): return kind.qualifiedName
        case let .dataType(name, _): return "torch.\(name)"
        case .size: return "torch.Size"
        case .device: return "torch.device"
        case .codecsEncode: return "_codecs.encode"
        case .bytes: return "builtins.bytes"
        case .byteArray: return "builtins.bytearray"
        case .set: return "builtins.set"
        case .frozenSet: return "builtins.frozenset"
        case let .torchScriptClass(name): return name
        case let .torchScriptListBuilder(name): return "torch.jit._pickle.\(name)"
        case .torchScriptTypeTag: return "torch.jit._pickle.restore_type_tag"
        case let .numpyReconstruct(module): return "\(module)._reconstruct"
        case .numpyArrayType: return "numpy.ndarray"
        case .numpyDataType: return "numpy.dtype"
        }
    }
}
