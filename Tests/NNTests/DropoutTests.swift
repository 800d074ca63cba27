import Autograd
import NN
import Tensor
import Testing

/// The `Dropout` layer: the identity in inference, masks from the current `RandomStream` in
/// training that a saved stream state reproduces exactly.
@Suite struct DropoutTests {
    let input = Variable(Tensor(shape: [4, 50], scalars: (0..<200).map { Float($0) / 10 - 7 }))

    /// `layer` switched to training mode.
    static func training(_ layer: Dropout) -> Dropout {
        layer.setMode(.training)
        return layer
    }

    @Test func inferenceIsTheIdentity() {
        let output = Dropout(probability: 0.5)(input)  // a new layer is in inference mode
        #expect(output.value.scalars == input.value.scalars)
        // p = 0 needs no stream even in training.
        #expect(Self.training(Dropout(probability: 0))(input).value.scalars == input.value.scalars)
    }

    @Test func trainingMasksAreReproducibleFromTheStreamState() {
        let layer = Self.training(Dropout(probability: 0.25))
        let stream = RandomStream(seed: 99)
        let saved = stream.state
        let (first, second) = RandomStream.using(stream) { (layer(input), layer(input)) }
        #expect(stream.state.counter == saved.counter + 2)
        #expect(first.value.scalars != second.value.scalars)
        // Every element is dropped or scaled by 1/(1 − p).
        for (output, original) in zip(first.value.scalars, input.value.scalars) {
            #expect(output == 0 || output == original * (1 / 0.75 as Float))
        }
        // A stream restored to the saved state draws the same masks again.
        let restored = RandomStream(seed: 1)
        restored.state = saved
        let replayed = RandomStream.using(restored) { layer(input) }
        #expect(replayed.value.scalars == first.value.scalars)
    }

    @Test func gradientIsTheScaledMask() throws {
        let leaf = Variable(input.value, requiresGradient: true)
        let stream = RandomStream(seed: 5)
        var replay = stream.state
        let output = RandomStream.using(stream) { Self.training(Dropout(probability: 0.4))(leaf) }
        output.sum().backward()
        let mask = Tensor.dropoutKeepMask(input.shape, probability: 0.4, generator: &replay)
        #expect(try #require(leaf.gradient).scalars == mask.scalars.map { $0 * (1 / (1 - 0.4 as Float)) })
    }

    @Test func missingStreamIsAClearError() async {
        await #expect(processExitsWith: .failure) {
            let input = Variable(Tensor(zeros: [2, 2]))
            _ = DropoutTests.training(Dropout(probability: 0.5))(input)
        }
    }
}
