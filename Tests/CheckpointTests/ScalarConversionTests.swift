import Testing
@testable import Checkpoint

/// Element conversions checked against IEEE definitions (values as numpy prints them).
struct ScalarConversionTests {
    @Test func halfPrecisionWidensExactly() {
        let cases: [(UInt16, Float)] = [
            (0x0000, 0), (0x3C00, 1), (0xC100, -2.5), (0x7BFF, 65504), (0x0400, 0x1p-14),
            (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24), (0x7C00, .infinity), (0xFC00, -.infinity), (0x3555, 0.333251953125),
        ]
        for (bits, value) in cases {
            #expect(ScalarConversion.float32(fromFloat16Bits: bits) == value, "0x\(String(bits, radix: 16))")
        }
        #expect(ScalarConversion.float32(fromFloat16Bits: 0x8000).bitPattern == 0x8000_0000)
        #expect(ScalarConversion.float32(fromFloat16Bits: 0x7E00).bitPattern == 0x7FC0_0000)
        #expect(ScalarConversion.float32(fromFloat16Bits: 0xFD01).bitPattern == 0xFFA0_2000)
    }

    @Test func everyHalfRoundTripsThroughFloat32() {
        // Narrowing back recovers every bit pattern.
        for bits in UInt16.min...UInt16.max {
            let value = ScalarConversion.float32(fromFloat16Bits: bits)
            if value.isNaN { continue }
            let float32Bits = value.bitPattern
            let back = Float(Float16Bits.round(float32Bits))
            #expect(back == Float(bits), "0x\(String(bits, radix: 16))")
        }
    }

    @Test func bfloat16IsTheUpperHalf() {
        #expect(ScalarConversion.float32(fromBFloat16Bits: 0x3F80) == 1)
        #expect(ScalarConversion.float32(fromBFloat16Bits: 0xC2F7) == -123.5)
        #expect(ScalarConversion.float32(fromBFloat16Bits: 0x0001) == 0x1p-133)
    }

    @Test func float8Formats() {
        #expect(ScalarConversion.float32(fromFloat8E4M3Bits: 0x7E) == 448)
        #expect(ScalarConversion.float32(fromFloat8E4M3Bits: 0x7F).isNaN)
        #expect(ScalarConversion.float32(fromFloat8E4M3Bits: 0x01) == 0x1p-9)
        #expect(ScalarConversion.float32(fromFloat8E4M3Bits: 0x38) == 1)
        #expect(ScalarConversion.float32(fromFloat8E4M3Bits: 0xB8) == -1)
        let e5m2: [UInt8] = [0x7B, 0x7C, 0x3C, 0x01]
        var output = [Float](repeating: 0, count: 4)
        e5m2.withUnsafeBytes { source in
            ScalarConversion.convert(from: source.baseAddress!, dataType: .float8E5M2, count: 4, into: &output)
        }
        #expect(output == [57344, .infinity, 1, 0x1p-16])
    }

    @Test func stridedAndByteSwappedReads() {
        let values: [Int32] = [1, -2, 3, -4, 5, -6]
        var output = [Float](repeating: 0, count: 3)
        values.withUnsafeBytes { source in
            ScalarConversion.convert(from: source.baseAddress!, dataType: .int32, count: 3, elementStride: 2, into: &output)
        }
        #expect(output == [1, 3, 5])
        let bigEndian = values.map { $0.bigEndian }
        bigEndian.withUnsafeBytes { source in
            ScalarConversion.convert(from: source.baseAddress! + 4, dataType: .int32, count: 3, elementStride: 2, byteSwapped: true, into: &output)
        }
        #expect(output == [-2, -4, -6])
    }
}

/// Float32 → half narrowing, exact for values that came from half; checks the widening above.
private enum Float16Bits {
    static func round(_ bits: UInt32) -> UInt16 {
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF { return sign | 0x7C00 }
        let unbiased = exponent - 127
        if unbiased > 15 { return sign | 0x7C00 }
        if unbiased >= -14 {
            return sign | UInt16((unbiased + 15) << 10) | UInt16(mantissa >> 13)
        }
        if exponent == 0 && mantissa == 0 { return sign }
        let shift = -14 - unbiased + 13
        return sign | UInt16((mantissa | 0x80_0000) >> UInt32(shift))
    }
}
