/// A seeded, reproducible random number generator (xoshiro256**, Blackman & Vigna 2018) seeded
/// through SplitMix64, so runs with the same seed give the same numbers on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    public private(set) var state: [UInt64]

    public init(seed: UInt64) {
        var mixer = seed
        state = (0..<4).map { _ in
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(state[1] &* 5, 7) &* 9
        let shifted = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= shifted
        state[3] = rotateLeft(state[3], 45)
        return result
    }

    private func rotateLeft(_ value: UInt64, _ amount: UInt64) -> UInt64 { (value << amount) | (value >> (64 - amount)) }

    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// `count` draws of lower + (upper − lower)·`nextUniform()` in order into `target`: the same
    /// values and the same state afterwards as calling `nextUniform()` `count` times, with the state
    /// in registers for the whole run instead of in its array on every draw.
    mutating func fillUniform(_ target: UnsafeMutablePointer<Float>, count: Int, lower: Float, upper: Float) {
        var (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
        let range = upper - lower
        for index in 0..<count {
            let result = rotateLeft(s1 &* 5, 7) &* 9
            let shifted = s1 << 17
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= shifted
            s3 = rotateLeft(s3, 45)
            target[index] = lower + range * (Float(result >> 40) * 0x1p-24)
        }
        state = [s0, s1, s2, s3]
    }

    /// A standard normal sample by the Box–Muller transform.
    public mutating func nextNormal() -> Float {
        let u1 = Swift.max(nextUniform(), 1e-12), u2 = nextUniform()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Float.pi * u2)
    }
}

import Foundation
private func _log(_ x: Float) -> Float { Foundation.log(x) }
private func _cos(_ x: Float) -> Float { Foundation.cos(x) }

extension Tensor {
    /// Independent N(mean, standardDeviation²) samples.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    generator: inout SeededGenerator) -> Tensor {
        var values = [Float](repeating: 0, count: shape.reduce(1, *))
        for index in values.indices { values[index] = mean + standardDeviation * generator.nextNormal() }
        return Tensor(shape: shape, scalars: values)
    }

    /// Independent U(lower, upper) samples.
    public static func randomUniform(_ shape: [Int], lower: Float = 0, upper: Float = 1,
                                     generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { values in
            if let start = values.baseAddress { generator.fillUniform(start, count: values.count, lower: lower, upper: upper) }
        }
    }
}
