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

    /// `philox` of eight consecutive blocks at once (the same words, computed in SIMD lanes):
    /// counters (block + lane, high, draw low, draw high) for lane 0..<8.
    @inlinable
    static func philox8(firstBlock: UInt64, drawLow: UInt32, drawHigh: UInt32, key: SIMD2<UInt32>)
        -> (SIMD8<UInt32>, SIMD8<UInt32>, SIMD8<UInt32>, SIMD8<UInt32>) {
        let lanes = SIMD8<UInt64>(0, 1, 2, 3, 4, 5, 6, 7) &+ SIMD8(repeating: firstBlock)
        var c0 = SIMD8<UInt32>(truncatingIfNeeded: lanes), c1 = SIMD8<UInt32>(truncatingIfNeeded: lanes &>> 32)
        var c2 = SIMD8<UInt32>(repeating: drawLow), c3 = SIMD8<UInt32>(repeating: drawHigh)
        var k0 = key[0], k1 = key[1]
        for round in 0..<10 {
            let product0 = SIMD8<UInt64>(truncatingIfNeeded: c0) &* SIMD8(repeating: 0xD251_1F53)
            let product1 = SIMD8<UInt64>(truncatingIfNeeded: c2) &* SIMD8(repeating: 0xCD9E_8D57)
            let next0 = SIMD8<UInt32>(truncatingIfNeeded: product1 &>> 32) ^ c1 ^ SIMD8(repeating: k0)
            let next2 = SIMD8<UInt32>(truncatingIfNeeded: product0 &>> 32) ^ c3 ^ SIMD8(repeating: k1)
            c1 = SIMD8<UInt32>(truncatingIfNeeded: product1)
            c3 = SIMD8<UInt32>(truncatingIfNeeded: product0)
            c0 = next0
            c2 = next2
            if round < 9 {
                k0 &+= 0x9E37_79B9
                k1 &+= 0xBB67_AE85
            }
        }
        return (c0, c1, c2, c3)
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
            // Whole groups of eight blocks (32 elements) run in SIMD lanes; the rest block by block.
            let groups = count / 32
            ThreadPolicy.parallelFor(groups, workPerItem: 256) { range in
                for group in range {
                    let (w0, w1, w2, w3) = Self.philox8(firstBlock: UInt64(group * 8), drawLow: drawWords.0, drawHigh: drawWords.1, key: key)
                    let base = destination + group * 32
                    for lane in 0..<8 {
                        base[4 * lane] = Float(w0[lane] >> 8) * 0x1p-24
                        base[4 * lane + 1] = Float(w1[lane] >> 8) * 0x1p-24
                        base[4 * lane + 2] = Float(w2[lane] >> 8) * 0x1p-24
                        base[4 * lane + 3] = Float(w3[lane] >> 8) * 0x1p-24
                    }
                }
            }
            for block in (groups * 8)..<blocks {
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
