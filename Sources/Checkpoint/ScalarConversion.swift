/// Exact conversions of stored elements to Float32.
///
/// Half, bfloat16 and float8 widen exactly (NaN payloads kept, as F16C hardware and numpy do);
/// float64 and wide integers round to nearest like `tensor.float()`; bool becomes 0 or 1.
enum ScalarConversion {
    /// Converts `count` elements of `dataType` starting at `source`, each `elementStride` elements
    /// after the previous one, into consecutive floats at `destination`.
    /// `byteSwapped` reads big-endian data (PyTorch archives saved on big-endian machines).
    static func convert(
        from source: UnsafeRawPointer, dataType: CheckpointDataType, count: Int, elementStride: Int = 1,
        byteSwapped: Bool = false, into destination: UnsafeMutablePointer<Float>
    ) {
        let step = elementStride * dataType.byteSize
        switch dataType {
        case .float32:
            if step == 4 && !byteSwapped {
                UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
                return
            }
            for index in 0..<count {
                let bits = load(UInt32.self, source, index * step, byteSwapped)
                destination[index] = Float(bitPattern: bits)
            }
        case .float64:
            for index in 0..<count {
                destination[index] = Float(Double(bitPattern: load(UInt64.self, source, index * step, byteSwapped)))
            }
        case .float16:
            for index in 0..<count {
                destination[index] = float32(fromFloat16Bits: load(UInt16.self, source, index * step, byteSwapped))
            }
        case .bfloat16:
            for index in 0..<count {
                destination[index] = float32(fromBFloat16Bits: load(UInt16.self, source, index * step, byteSwapped))
            }
        case .float8E4M3:
            for index in 0..<count {
                destination[index] = float32(fromFloat8E4M3Bits: source.load(fromByteOffset: index * step, as: UInt8.self))
            }
        case .float8E5M2:
            for index in 0..<count {
                let bits = UInt16(source.load(fromByteOffset: index * step, as: UInt8.self)) << 8
                destination[index] = float32(fromFloat16Bits: bits)
            }
        case .int64:
            for index in 0..<count {
                destination[index] = Float(Int64(bitPattern: load(UInt64.self, source, index * step, byteSwapped)))
            }
        case .int32:
            for index in 0..<count {
                destination[index] = Float(Int32(bitPattern: load(UInt32.self, source, index * step, byteSwapped)))
            }
        case .int16:
            for index in 0..<count {
                destination[index] = Float(Int16(bitPattern: load(UInt16.self, source, index * step, byteSwapped)))
            }
        case .int8:
            for index in 0..<count {
                destination[index] = Float(source.load(fromByteOffset: index * step, as: Int8.self))
            }
        case .uint64:
            for index in 0..<count {
                destination[index] = Float(load(UInt64.self, source, index * step, byteSwapped))
            }
        case .uint32:
            for index in 0..<count {
                destination[index] = Float(load(UInt32.self, source, index * step, byteSwapped))
            }
        case .uint16:
            for index in 0..<count {
                destination[index] = Float(load(UInt16.self, source, index * step, byteSwapped))
            }
        case .uint8:
            for index in 0..<count {
                destination[index] = Float(source.load(fromByteOffset: index * step, as: UInt8.self))
            }
        case .bool:
            for index in 0..<count {
                destination[index] = source.load(fromByteOffset: index * step, as: UInt8.self) != 0 ? 1 : 0
            }
        }
    }

    @inline(__always)
    private static func load<T: FixedWidthInteger>(_ type: T.Type, _ source: UnsafeRawPointer, _ offset: Int, _ byteSwapped: Bool) -> T {
        let raw = source.loadUnaligned(fromByteOffset: offset, as: T.self)
        return byteSwapped ? T(bigEndian: raw) : T(littleEndian: raw)
    }

    /// IEEE half (1 sign, 5 exponent, 10 mantissa bits) widened exactly.
    static func float32(fromFloat16Bits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits) & 0x3FF
        if exponent == 0x1F {  // infinity or NaN, payload kept
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {  // zero or subnormal: mantissa · 2⁻²⁴, exact in Float32
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// bfloat16 is the upper half of a Float32.
    static func float32(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// float8 e4m3fn (bias 7, no infinities, S.1111.111 is NaN) widened exactly.
    static func float32(fromFloat8E4M3Bits bits: UInt8) -> Float {
        let negative = bits & 0x80 != 0
        let exponent = Int((bits >> 3) & 0x0F)
        let mantissa = Float(bits & 0x07)
        let magnitude: Float
        if exponent == 0x0F && bits & 0x07 == 0x07 {
            magnitude = .nan
        } else if exponent == 0 {
            magnitude = mantissa * 0x1p-9
        } else {
            magnitude = (1 + mantissa / 8) * Float(sign: .plus, exponent: exponent - 7, significand: 1)
        }
        return negative ? -magnitude : magnitude
    }
}
