import Tensor
import Testing

/// `Tensor.randomUniform` draws in bulk with the generator's state in registers: the same values,
/// bit for bit, and the same state afterwards as one `nextUniform()` per element.
@Suite struct SeededGeneratorTests {
    @Test(arguments: [0, 1, 17, 1_000])
    func bulkUniformDrawsMatchOneDrawAtATime(count: Int) {
        var bulk = SeededGenerator(seed: 42), single = SeededGenerator(seed: 42)
        let drawn = Tensor.randomUniform([count], lower: -1, upper: 3, generator: &bulk)
        let expected = (0..<count).map { _ in -1 + (3 - -1) * single.nextUniform() }
        #expect(drawn.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(bulk == single)
        #expect(bulk.next() == single.next())
    }
}
