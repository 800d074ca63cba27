import Tensor

extension Variable {
    public static func + (a: Variable, b: Variable) -> Variable {
        Variable(a.value + b.value, operation: "add", inputs: [a, b]) { gradient in
            [gradient.sumToShape(a.shape), gradient.sumToShape(b.shape)]
        }
    }

    public static func - (a: Variable, b: Variable) -> Variable {
        Variable(a.value - b.value, operation: "subtract", inputs: [a, b]) { gradient in
            [gradient.sumToShape(a.shape), (-gradient).sumToShape(b.shape)]
        }
    }

    public static func * (a: Variable, b: Variable) -> Variable {
        Variable(a.value * b.value, operation: "multiply", inputs: [a, b]) { gradient in
            [a.requiresGradient ? (gradient * b.value).sumToShape(a.shape) : nil,
             b.requiresGradient ? (gradient * a.value).sumToShape(b.shape) : nil]
        }
    }

    public static func / (a: Variable, b: Variable) -> Variable {
        Variable(a.value / b.value, operation: "divide", inputs: [a, b]) { gradient in
            [a.requiresGradient ? (gradient / b.value).sumToShape(a.shape) : nil,
             b.requiresGradient ? (-(gradient * a.value) / b.value.squared()).sumToShape(b.shape) : nil]
        }
    }

    public static prefix func - (a: Variable) -> Variable {
        Variable(-a.value, operation: "negate", inputs: [a]) { [-$0] }
    }

    public static func + (a: Variable, b: Float) -> Variable {
        Variable(a.value + b, operation: "add scalar", inputs: [a]) { [$0] }
    }

    public static func - (a: Variable, b: Float) -> Variable { a + (-b) }

    public static func - (a: Float, b: Variable) -> Variable {
        Variable(a - b.value, operation: "scalar subtract", inputs: [b]) { [-$0] }
    }

    public static func * (a: Variable, b: Float) -> Variable {
        Variable(a.value * b, operation: "scale", inputs: [a]) { [$0 * b] }
    }

    public static func * (a: Float, b: Variable) -> Variable { b * a }

    public static func / (a: Variable, b: Float) -> Variable { a * (1 / b) }
}
