/// A counter-based random generator: Philox-4×32-10 (Salmon, Moraes, Dror & Shaw 2011, "Parallel
/// random numbers: as easy as 1, 2, 3"), the generator behind PyTorch's and JAX's device RNGs.
///
/// Philox is a keyed bijection of a 128-bit counter: ten rounds of
/// (c₀, c₁, c₂, c₃) ← (hi(M₁·c₂) ⊕ c₁ ⊕ k₀, lo(M₁·c₂), hi(M₀·c₀) ⊕ c₃ ⊕ k₁, lo(M₀·c₀)) with the key
/// bumped by the Weyl constants between rounds. Here the key is the seed and the counter is
/// (block, draw): element i of draw d is word i mod 4 of block ⌊i/4⌋ of draw d. So a draw's numbers
/// depend only on (seed, draw, element), never on the thread count or on what was drawn before,
/// and the whole state is two integers (`seed`, `counter`) that a training checkpoint stores to
/// resume bit for bit.
public struct CounterBasedGenerator: Codable, Sendable, Equatable {
    /// The key.
    public let seed: UInt64
    /// Draws made so far: the next draw is number `counter`.
    public private(set) var counter: UInt64

    public init(seed: UInt64, counter: UInt64 = 0) {
        self.seed = seed
        self.counter = counter
    }

    /// The Philox-4×32-10 bijection of `counter` under `key`.
    @inlinable
    public static func philox(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        var c = counter, k = key
        for round in 0..<10 {
            let product0 = UInt64(0xD251_1F53) &* UInt64(c[0])
            let product1 = UInt64(0xCD9E_8D57) &* UInt64(c[2])
            c = SIMD4(UInt32(truncatingIfNeeded: product1 >> 32) ^ c[1] ^ k[0], UInt32(truncatingIfNeeded: product1),
                      UInt32(truncatingIfNeeded: product0 >> 32) ^ c[3] ^ k[1], UInt32(truncatingIfNeeded: product0))
            if round < 9 { k &+= SIMD2(0x9E37_79B9, 0xBB67_AE85) }
        }
        return c
    }

    /// Uniform floats in [0, 1) (24 random bits each) for every element of `shape`, from the
    /// current draw; advances `counter` by one.
    public mutating func nextUniform(_ shape: [Int]) -> Tensor {
        let draw = counter
        counter &+= 1
        let key = SIMD2<UInt32>(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        let drawWords = (UInt32(truncatingIfNeeded: draw), UInt32(truncatingIfNeeded: draw >> 32))
        return Tensor(shape: shape) { output in
            let destination = output.baseAddress!, count = output.count
            let blocks = (count + 3) / 4
            ThreadPolicy.parallelFor(blocks, workPerItem: 64) { range in
                for block in range {
                    let words = Self.philox(counter: SIMD4(UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32),
                                                           drawWords.0, drawWords.1), key: key)
                    let first = block * 4
                    for lane in 0..<Swift.min(4, count - first) {
                        destination[first + lane] = Float(words[lane] >> 8) * 0x1p-24
                    }
                }
            }
        }
    }
}
