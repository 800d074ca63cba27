import Foundation
import Tensor
import Testing

/// The counter-based generator behind dropout masks: Philox-4×32-10 known answers, draws that
/// depend only on (seed, counter, element), and Bernoulli masks with the right keep rate.
@Suite struct CounterBasedGeneratorTests {
    /// Known-answer vectors of the Random123 distribution (Salmon et al. 2011) for Philox-4×32-10.
    @Test func philoxMatchesRandom123KnownAnswers() {
        #expect(CounterBasedGenerator.philox(counter: .zero, key: .zero) == SIMD4(0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8))
        #expect(CounterBasedGenerator.philox(counter: SIMD4(repeating: .max), key: SIMD2(repeating: .max))
            == SIMD4(0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD))
        #expect(CounterBasedGenerator.philox(counter: SIMD4(0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344),
                                             key: SIMD2(0xA409_3822, 0x299F_31D0))
            == SIMD4(0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1))
    }

    @Test func drawsDependOnlyOnSeedAndCounter() {
        var first = CounterBasedGenerator(seed: 42)
        let a = first.nextUniform([3, 7]), b = first.nextUniform([3, 7])
        #expect(first.counter == 2)
        #expect(a.scalars != b.scalars)
        // Restarting at counter 1 reproduces the second draw, whatever its shape's prefix.
        var resumed = CounterBasedGenerator(seed: 42, counter: 1)
        #expect(resumed.nextUniform([3, 7]).scalars == b.scalars)
        var longer = CounterBasedGenerator(seed: 42)
        #expect(Array(longer.nextUniform([30]).scalars.prefix(21)) == a.scalars)
        var other = CounterBasedGenerator(seed: 43)
        #expect(other.nextUniform([3, 7]).scalars != a.scalars)
        #expect(a.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
        // Codable state round trip.
        let decoded = try? JSONDecoder().decode(CounterBasedGenerator.self, from: JSONEncoder().encode(first))
        #expect(decoded == first)
    }

    /// Draws of every size, from one element to a large one split across threads and SIMD lanes,
    /// equal their definition element by element: word i mod 4 of Philox(block ⌊i/4⌋, draw)
    /// under the seed, so no thread count or vector width can change them.
    @Test func drawsFollowTheDefinition() {
        let seed: UInt64 = 0x1234_5678_9ABC_DEF0
        let key = SIMD2<UInt32>(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        for count in [1, 3, 4, 5, 31, 32, 33, 63, 65, 100, 257 * 301] {
            var generator = CounterBasedGenerator(seed: seed, counter: 5)
            let uniform = generator.nextUniform([count]).scalars
            var mismatches = 0
            for block in 0..<((count + 3) / 4) {
                let words = CounterBasedGenerator.philox(counter: SIMD4(UInt32(block), 0, 5, 0), key: key)
                for lane in 0..<min(4, count - 4 * block) where uniform[4 * block + lane] != Float(words[lane] >> 8) * 0x1p-24 {
                    mismatches += 1
                }
            }
            #expect(mismatches == 0, "\(count) elements")
        }
    }

    /// The kept fraction of 10⁶ elements is within 5 standard deviations of 1 − p.
    @Test func keepRateIsOneMinusP() {
        var generator = CounterBasedGenerator(seed: 2024)
        for probability: Float in [0.1, 0.5, 0.8] {
            let mask = Tensor.dropoutKeepMask([1000, 1000], probability: probability, generator: &generator)
            let kept = Double(mask.sum()) / 1e6, expected = Double(1 - probability)
            let deviation = (expected * (1 - expected) / 1e6).squareRoot()
            #expect(abs(kept - expected) < 5 * deviation, "p = \(probability): kept \(kept)")
            #expect(mask.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        }
        #expect(Tensor.dropoutKeepMask([100], probability: 0, generator: &generator).scalars.allSatisfy { $0 == 1 })
        #expect(Tensor.dropoutKeepMask([100], probability: 1, generator: &generator).scalars.allSatisfy { $0 == 0 })
    }

    @Test func droppedOutScalesKeptElements() {
        let input = Tensor(shape: [4], scalars: [1, 2, 3, 4]), mask = Tensor(shape: [4], scalars: [1, 0, 1, 0])
        #expect(input.droppedOut(keepMask: mask, probability: 0.5).scalars == [2, 0, 6, 0])
        #expect(input.droppedOut(keepMask: Tensor(zeros: [4]), probability: 1).scalars == [0, 0, 0, 0])
    }
}
