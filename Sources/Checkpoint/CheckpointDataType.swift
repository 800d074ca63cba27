/// The element type of a stored tensor, kept as the file declares it.
///
/// Loaders convert every type to Float32 (`Tensor` is Float32-only); this enum says what the bytes
/// were, with the spellings of safetensors (`F16`) and PyTorch (`torch.float16`, `HalfStorage`).
/// Integer types wider than 24 bits round to the nearest Float32, as `tensor.float()` does.
public enum CheckpointDataType: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case float64, float32, float16, bfloat16
    /// 8-bit float with 4 exponent and 3 mantissa bits, no infinities (`float8_e4m3fn`).
    case float8E4M3
    /// 8-bit float with 5 exponent and 2 mantissa bits (`float8_e5m2`).
    case float8E5M2
    case int64, int32, int16, int8
    case uint64, uint32, uint16, uint8
    case bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64, .int64, .uint64: return 8
        case .float32, .int32, .uint32: return 4
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .float8E4M3, .float8E5M2, .int8, .uint8, .bool: return 1
        }
    }

    /// The safetensors header spelling (`F32`, `BF16`, `BOOL`, ...).
    public var safetensorsName: String {
        switch self {
        case .float64: return "F64"
        case .float32: return "F32"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .float8E4M3: return "F8_E4M3"
        case .float8E5M2: return "F8_E5M2"
        case .int64: return "I64"
        case .int32: return "I32"
        case .int16: return "I16"
        case .int8: return "I8"
        case .uint64: return "U64"
        case .uint32: return "U32"
        case .uint16: return "U16"
        case .uint8: return "U8"
        case .bool: return "BOOL"
        }
    }

    /// The type a safetensors header names, or nil for types this target does not convert.
    public init?(safetensorsName: String) {
        guard let match = Self.allCases.first(where: { $0.safetensorsName == safetensorsName }) else { return nil }
        self = match
    }

    /// The name PyTorch prints without its `torch.` prefix (`float32`, `bfloat16`, `int64`, ...).
    public var torchName: String {
        switch self {
        case .float8E4M3: return "float8_e4m3fn"
        case .float8E5M2: return "float8_e5m2"
        default: return rawValue
        }
    }

    /// The type of a `torch.<name>` dtype object, including PyTorch's aliases (`float`, `long`, `half`).
    public init?(torchName: String) {
        switch torchName {
        case "float64", "double": self = .float64
        case "float32", "float": self = .float32
        case "float16", "half": self = .float16
        case "bfloat16": self = .bfloat16
        case "float8_e4m3fn": self = .float8E4M3
        case "float8_e5m2": self = .float8E5M2
        case "int64", "long": self = .int64
        case "int32", "int": self = .int32
        case "int16", "short": self = .int16
        case "int8": self = .int8
        case "uint64": self = .uint64
        case "uint32": self = .uint32
        case "uint16": self = .uint16
        case "uint8": self = .uint8
        case "bool": self = .bool
        default: return nil
        }
    }

    public var description: String { torchName }
}
