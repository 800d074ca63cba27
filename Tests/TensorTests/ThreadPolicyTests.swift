import Tensor
import Testing

@Suite struct ThreadPolicyTests {
    @Test func parallelForVisitsEveryIndexOnce() {
        let count = 100_003
        let visits = UnsafeMutablePointer<Int32>.allocate(capacity: count)
        visits.initialize(repeating: 0, count: count)
        defer { visits.deallocate() }
        ThreadPolicy.parallelFor(count, workPerItem: 1_000) { range in
            for index in range { visits[index] += 1 }
        }
        #expect((0..<count).allSatisfy { visits[$0] == 1 })
    }

    @Test func seededGeneratorIsReproducible() {
        var first = SeededGenerator(seed: 99), second = SeededGenerator(seed: 99)
        #expect((0..<5).map { _ in first.next() } == (0..<5).map { _ in second.next() })
        var generator = SeededGenerator(seed: 1)
        let samples = Tensor.randomNormal([20_000], generator: &generator)
        let mean = samples.mean()
        let variance = (samples - mean).squared().mean()
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05, "mean \(mean), variance \(variance)")
    }
}
