/// Branch-free scalar approximations written so that loops over them auto-vectorise (AVX2 here),
/// unlike calls into libm. Accuracy is a few units in the last place of Float32, well inside the
/// 1e-4 relative tolerance of the parity tests.
public enum FastMath {
    /// eˣ by range reduction x = n·ln2 + r, |r| ≤ ln2/2, a degree-6 Taylor polynomial for eʳ and
    /// 2ⁿ assembled in the exponent bits. Returns 0 below −87.3 and +∞ above 88.7.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        let (polynomial, shifted) = reducedExponential(Swift.min(Swift.max(x, -87.3), 88.7))
        let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
        let value = polynomial * scale
        return x < -87.3 ? 0 : (x > 88.7 ? .infinity : value)
    }

    /// `exp(_:)` on sixteen lanes at once, the same operations lane by lane (so the same bits as
    /// the scalar function), for kernels that keep a row in vector registers.
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        // `replace(with:where:)` compiles to vector blends; `clamped`/`pointwiseMin` run scalar loops.
        var clamped = x
        clamped.replace(with: -87.3, where: x .< -87.3)
        clamped.replace(with: 88.7, where: x .> 88.7)
        let (polynomial, shifted) = reducedExponential(clamped)
        let exponent = (unsafeBitCast(shifted, to: SIMD16<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        var value = polynomial * unsafeBitCast(exponent, to: SIMD16<Float>.self)
        value.replace(with: 0, where: x .< -87.3)
        value.replace(with: .infinity, where: x .> 88.7)
        return value
    }

    /// The shared core of `exp`: range reduction x = n·ln2 + r, |r| ≤ ln2/2, and a degree-6 Taylor
    /// polynomial for eʳ. Adding 1.5·2²³ rounds to the nearest integer n and leaves n in the low
    /// mantissa bits of `shifted` (no trapping Float→Int conversion to stop vectorisation); the
    /// caller assembles 2ⁿ from those bits.
    @inlinable @inline(__always)
    @usableFromInline static func reducedExponential<Value: FastMathOperand>(_ clamped: Value) -> (polynomial: Value, shifted: Value) {
        let shifted = clamped * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = (clamped - n * 0.693_145_75) - n * 1.428_606_8e-6
        var p = Value(splatting: 1.0 / 720)
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        return (p, shifted)
    }

    /// The error function by Abramowitz & Stegun 7.1.26: |error| ≤ 1.5e-7 in exact arithmetic,
    /// ≤ 5e-7 evaluated in Float32 (measured in FastMathTests).
    @inlinable @inline(__always)
    public static func erf(_ x: Float) -> Float {
        let magnitude = Swift.abs(x)
        let t = 1 / (1 + 0.327_591_1 * magnitude)
        var p: Float = 1.061_405_429
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let value = 1 - p * t * exp(-magnitude * magnitude)
        return x < 0 ? -value : value
    }

    /// tanh(x) = 1 − 2/(e²ˣ + 1).
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        if Swift.abs(x) < 0.0625 {
            // Odd Taylor series near zero, where the formula below cancels.
            let square = x * x
            return x * (1 + square * (-1.0 / 3 + square * (2.0 / 15 - square * 17.0 / 315)))
        }
        return 1 - 2 / (exp(2 * x) + 1)
    }

    /// The logistic function 1/(1 + e⁻ˣ).
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
}

/// A Float or a vector of Float lanes: what `FastMath`'s shared polynomial cores compute on.
public protocol FastMathOperand {
    static func * (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Float) -> Self
    static func + (lhs: Self, rhs: Float) -> Self
    static func - (lhs: Self, rhs: Float) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    init(splatting value: Float)
}

extension Float: FastMathOperand {
    @inlinable @inline(__always) public init(splatting value: Float) { self = value }
}

extension SIMD16: FastMathOperand where Scalar == Float {
    @inlinable @inline(__always) public init(splatting value: Float) { self.init(repeating: value) }
}
