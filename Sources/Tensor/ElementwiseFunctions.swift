/// A scalar function applied elementwise. Kernels are generic over the function type, so each
/// specialisation inlines `apply` into a loop the compiler can vectorise; a closure stored in a
/// parallel region could not be inlined.
public protocol UnaryElementwiseFunction {
    static func apply(_ x: Float) -> Float
}

/// A scalar function of two arguments applied elementwise with broadcasting.
public protocol BinaryElementwiseFunction {
    static func apply(_ a: Float, _ b: Float) -> Float
}

public enum ElementwiseFunctions {
    public enum Add: BinaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ a: Float, _ b: Float) -> Float { a + b }
    }
    public enum Subtract: BinaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ a: Float, _ b: Float) -> Float { a - b }
    }
    public enum Multiply: BinaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ a: Float, _ b: Float) -> Float { a * b }
    }
    public enum Divide: BinaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ a: Float, _ b: Float) -> Float { a / b }
    }
    public enum Maximum: BinaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) }
    }
    public enum Minimum: BinaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ a: Float, _ b: Float) -> Float { Swift.min(a, b) }
    }

    /// x·Φ(x) = x/2·(1 + erf(x/√2)).
    public enum GELU: UnaryElementwiseFunction {
        @inlinable @inline(__always)
        public static func apply(_ x: Float) -> Float { 0.5 * x * (1 + FastMath.erf(x * 0.707_106_781_186_547_5)) }
    }
    /// ∂y·(Φ(x) + x·φ(x)) for (x, ∂y): GELU's input gradient.
    public enum GELUBackward: BinaryElementwiseFunction {
        @inlinable @inline(__always)
        public static func apply(_ x: Float, _ outputGradient: Float) -> Float {
            let cdf = 0.5 * (1 + FastMath.erf(x * 0.707_106_781_186_547_5))
            let density = FastMath.exp(-0.5 * x * x) * 0.398_942_280_401_432_7
            return outputGradient * (cdf + x * density)
        }
    }
    /// x/2·(1 + tanh(√(2/π)(x + 0.044715x³))).
    public enum GELUTanh: UnaryElementwiseFunction {
        @inlinable @inline(__always)
        public static func apply(_ x: Float) -> Float {
            0.5 * x * (1 + FastMath.tanh(0.797_884_560_802_865_4 * (x + 0.044_715 * x * x * x)))
        }
    }
    /// x·σ(1.702x).
    public enum QuickGELU: UnaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ x: Float) -> Float { x * FastMath.sigmoid(1.702 * x) }
    }
    public enum ReLU: UnaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ x: Float) -> Float { Swift.max(x, 0) }
    }
    public enum ReLU6: UnaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ x: Float) -> Float { Swift.min(Swift.max(x, 0), 6) }
    }
    public enum Sigmoid: UnaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ x: Float) -> Float { FastMath.sigmoid(x) }
    }
    public enum SiLU: UnaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ x: Float) -> Float { x * FastMath.sigmoid(x) }
    }
    /// ∂y·σ(x)·(1 + x·(1 − σ(x))) for (x, ∂y): SiLU's input gradient.
    public enum SiLUBackward: BinaryElementwiseFunction {
        @inlinable @inline(__always)
        public static func apply(_ x: Float, _ outputGradient: Float) -> Float {
            let s = FastMath.sigmoid(x)
            return outputGradient * (s * (1 + x * (1 - s)))
        }
    }
    public enum Tanh: UnaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ x: Float) -> Float { FastMath.tanh(x) }
    }
    public enum Exp: UnaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ x: Float) -> Float { FastMath.exp(x) }
    }
    public enum Negate: UnaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ x: Float) -> Float { -x }
    }
    public enum Square: UnaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ x: Float) -> Float { x * x }
    }
    public enum SquareRoot: UnaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ x: Float) -> Float { x.squareRoot() }
    }
    public enum Absolute: UnaryElementwiseFunction {
        @inlinable @inline(__always) public static func apply(_ x: Float) -> Float { Swift.abs(x) }
    }
}
