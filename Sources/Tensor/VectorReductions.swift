/// Reductions over contiguous Float32 runs with SIMD16 accumulators. Plain Float loops cannot be
/// vectorised because addition order is fixed; sixteen partial sums can.
@usableFromInline
enum VectorReductions {
    @inlinable @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>, _ index: Int) -> SIMD16<Float> {
        UnsafeRawPointer(pointer + index).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inlinable @inline(__always)
    static func store(_ values: SIMD16<Float>, _ pointer: UnsafeMutablePointer<Float>, _ index: Int) {
        UnsafeMutableRawPointer(pointer + index).storeBytes(of: values, as: SIMD16<Float>.self)
    }

    /// Σ xᵢ.
    @inlinable @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var accumulator = SIMD16<Float>()
        var index = 0
        while index + 16 <= count { accumulator += load(x, index); index += 16 }
        var total = accumulator.sum()
        while index < count { total += x[index]; index += 1 }
        return total
    }

    /// Σ (xᵢ − c)².
    @inlinable @inline(__always)
    static func sumOfSquaredDeviations(_ x: UnsafePointer<Float>, _ count: Int, from center: Float) -> Float {
        var accumulator = SIMD16<Float>()
        let centerVector = SIMD16<Float>(repeating: center)
        var index = 0
        while index + 16 <= count {
            let deviation = load(x, index) - centerVector
            accumulator += deviation * deviation
            index += 16
        }
        var total = accumulator.sum()
        while index < count { total += (x[index] - center) * (x[index] - center); index += 1 }
        return total
    }

    /// (Σ gᵢ, Σ gᵢ·(xᵢ − c)): a gradient's sum and its projection on centred inputs.
    @inlinable @inline(__always)
    static func sumAndCenteredProduct(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int,
                                      from center: Float) -> (sum: Float, product: Float) {
        var sums = SIMD16<Float>(), products = SIMD16<Float>()
        let centerVector = SIMD16<Float>(repeating: center)
        var index = 0
        while index + 16 <= count {
            let gradient = load(g, index)
            sums += gradient
            products += gradient * (load(x, index) - centerVector)
            index += 16
        }
        var sum = sums.sum(), product = products.sum()
        while index < count { sum += g[index]; product += g[index] * (x[index] - center); index += 1 }
        return (sum, product)
    }

    /// (Σ gᵢ′, Σ gᵢ′·(xᵢ − c)) with gᵢ′ = gᵢ where maskᵢ > 0, else 0 (a gradient through a ReLU
    /// whose output is `mask`).
    @inlinable @inline(__always)
    static func maskedSumAndCenteredProduct(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, mask: UnsafePointer<Float>,
                                            _ count: Int, from center: Float) -> (sum: Float, product: Float) {
        var sums = SIMD16<Float>(), products = SIMD16<Float>()
        let centerVector = SIMD16<Float>(repeating: center)
        var index = 0
        while index + 16 <= count {
            var gradient = load(g, index)
            gradient.replace(with: 0, where: load(mask, index) .<= 0)
            sums += gradient
            products += gradient * (load(x, index) - centerVector)
            index += 16
        }
        var sum = sums.sum(), product = products.sum()
        while index < count {
            let gradient = mask[index] > 0 ? g[index] : 0
            sum += gradient
            product += gradient * (x[index] - center)
            index += 1
        }
        return (sum, product)
    }

    /// max xᵢ (−∞ for an empty run).
    @inlinable @inline(__always)
    static func maximum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var accumulator = SIMD16<Float>(repeating: -.infinity)
        var index = 0
        while index + 16 <= count {
            // `replace(with:where:)` compiles to a vector blend; `pointwiseMax` runs a scalar loop.
            let values = load(x, index)
            accumulator.replace(with: values, where: values .> accumulator)
            index += 16
        }
        var result = accumulator.max()
        while index < count { result = Swift.max(result, x[index]); index += 1 }
        return result
    }
}
