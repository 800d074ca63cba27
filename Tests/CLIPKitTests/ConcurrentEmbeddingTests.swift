import CLIPKit
import Foundation
import Models
import Tensor
import TestSupport
import Testing

/// The facade's async entry points under concurrency: eight embeddings of texts and of image files
/// running at once on one model give exactly (bit for bit) what the same calls give one after
/// the other.
@Suite struct ConcurrentEmbeddingTests {
    @Test func eightConcurrentEmbeddingsEqualSerialOnes() async throws {
        let model = try ModelRegistry.load(TestPaths.fixture("facade", "tiny_clip").path)
        let photos = try ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg", "horse.png", "camera.png"]
            .map { try TestPaths.installedPackageFile("skimage/data/\($0)") }
        let requests = (0..<8).map { index in
            (texts: (0..<(3 + index)).map { "a photo of thing \($0 * 7 + index), with words to tokenise" },
             files: Array(photos.rotated(by: index).prefix(1 + index % photos.count)))
        }
        let serial = try requests.map { request in
            (try model.embed(texts: request.texts).scalars, try model.embed(imageFiles: request.files).embeddings.scalars)
        }
        let concurrent = try await withThrowingTaskGroup(of: (Int, [Float], [Float]).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask {
                    async let texts = model.embeddings(ofTexts: request.texts)
                    async let images = model.embeddings(ofImageFiles: request.files)
                    return (index, try await texts.scalars, try await images.embeddings.scalars)
                }
            }
            var results = [(texts: [Float], images: [Float])?](repeating: nil, count: requests.count)
            for try await (index, texts, images) in group { results[index] = (texts, images) }
            return results.map { $0! }
        }
        for index in requests.indices {
            #expect(concurrent[index].texts == serial[index].0, "texts of request \(index)")
            #expect(concurrent[index].images == serial[index].1, "images of request \(index)")
        }
    }
}

extension Array {
    fileprivate func rotated(by offset: Int) -> [Element] {
        guard !isEmpty else { return self }
        let shift = offset % count
        return Array(self[shift...] + self[..<shift])
    }
}
