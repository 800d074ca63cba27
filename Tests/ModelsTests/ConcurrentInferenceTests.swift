import Autograd
import Foundation
import Models
import NN
import Tensor
import Testing

/// Inference reads parameters without writing shared state (`Parameter.variable` hands out fresh
/// constant leaves without a tape), so one model serves several threads at once: 8 concurrent
/// image and text embeddings of a small random CLIP equal serial ones bit for bit.
@Suite struct ConcurrentInferenceTests {
    static func randomCLIP() -> CLIP {
        let vision = VisionTransformerConfiguration(imageSize: 32, patchSize: 8, width: 32, layers: 2, heads: 4,
                                                    outputDimension: 16, activation: .gelu)
        let text = TextTransformerConfiguration(contextLength: 12, vocabularySize: 64, width: 32, layers: 2, heads: 4,
                                                outputDimension: 16, activation: .quickGELU)
        let model = CLIP(CLIPConfiguration(vision: .visionTransformer(vision), text: text))
        var generator = SeededGenerator(seed: 31)
        for (_, parameter) in model.namedParameters {
            parameter.value = Tensor.randomNormal(parameter.value.shape, mean: 0.05, standardDeviation: 0.2, generator: &generator)
        }
        return model
    }

    /// Jobs 0, 2, 4, 6 embed image batches; 1, 3, 5, 7 embed text batches, all with one model.
    final class Jobs: @unchecked Sendable {
        let model = ConcurrentInferenceTests.randomCLIP()
        let images: [Tensor]
        let texts: [[[Int]]]
        init() {
            var generator = SeededGenerator(seed: 32)
            images = (0..<4).map { _ in Tensor.randomNormal([3, 3, 32, 32], generator: &generator) }
            texts = (0..<4).map { index in
                (0..<(2 + index)).map { _ in (0..<12).map { _ in Int.random(in: 1..<64, using: &generator) } }
            }
        }
        func run(_ job: Int) -> Tensor {
            job % 2 == 0 ? model.encodeImage(images[job / 2]) : model.encodeText(texts[job / 2])
        }
    }

    @Test func concurrentEmbeddingsEqualSerialOnesBitForBit() throws {
        let jobs = Jobs()
        let serial = (0..<8).map(jobs.run)

        let results = ResultSlots(count: 8)
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for job in 0..<8 {
            group.enter()
            let thread = Thread {
                start.wait()
                results.set(job, jobs.run(job))
                group.leave()
            }
            thread.start()
        }
        for _ in 0..<8 { start.signal() }
        group.wait()

        for job in 0..<8 {
            let concurrent = try #require(results.get(job))
            #expect(concurrent.shape == serial[job].shape)
            #expect(concurrent.scalars == serial[job].scalars, "job \(job) differs from its serial run")
        }
    }

    /// Result storage written from several threads.
    final class ResultSlots: @unchecked Sendable {
        private var slots: [Tensor?]
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: Tensor) { lock.withLock { slots[index] = value } }
        func get(_ index: Int) -> Tensor? { lock.withLock { slots[index] } }
    }
}
