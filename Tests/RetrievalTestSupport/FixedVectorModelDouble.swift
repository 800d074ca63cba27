import Foundation
import Imaging
import Retrieval
import Tensor

/// TEST DOUBLE — not a model. Conforms to `EmbeddingModel` for indexer tests: each image's
/// vector is a fixed pseudo-random function of its preprocessed pixels (FNV-1a hash → seeded
/// generator), each text's of its UTF-8 bytes, so the same content always gets the same vector in
/// any process, and different content different vectors. Optionally sleeps per call so a test
/// can kill an indexing process mid-run.
public struct FixedVectorModelDouble: EmbeddingModel {
    public let identity: ModelIdentity
    /// Seconds to sleep in each `embed` call.
    public var delayPerCall: Double

    public init(name: String = "fixed-vector-test-double", checkpointHash: String = "test-double-hash", dimension: Int = 16,
                delayPerCall: Double = 0) {
        identity = ModelIdentity(name: name, checkpointHash: checkpointHash, dimension: dimension,
                                 preprocessing: Preprocessing(imageSize: 8, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25],
                                                              interpolation: .bilinear, resizeMode: .squash))
        self.delayPerCall = delayPerCall
    }

    public func embed(images: Tensor) throws -> Tensor {
        if delayPerCall > 0 { Thread.sleep(forTimeInterval: delayPerCall) }
        let count = images.shape[0], size = images.count / max(count, 1)
        var scalars: [Float] = []
        for row in 0..<count {
            let pixels = UnsafeBufferPointer(start: images.pointer + row * size, count: size)
            scalars += Self.vector(seed: Self.hash(pixels.map { $0.bitPattern }), dimension: identity.dimension)
        }
        return Tensor(shape: [count, identity.dimension], scalars: scalars)
    }

    public func embed(texts: [String]) throws -> Tensor {
        if delayPerCall > 0 { Thread.sleep(forTimeInterval: delayPerCall) }
        let scalars = texts.flatMap { Self.vector(seed: Self.hash(Array($0.utf8).map(UInt32.init)), dimension: identity.dimension) }
        return Tensor(shape: [texts.count, identity.dimension], scalars: scalars)
    }

    /// The unit vector the double returns for an image file's content, decoded and preprocessed as the indexer does.
    public func expectedVector(forImageFile url: URL) throws -> [Float] {
        let tensor = identity.preprocessing!(try ImageDecoder().decode(contentsOf: url))
        return Self.unit(try embed(images: tensor.reshaped([1] + tensor.shape)).scalars)
    }

    static func unit(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }

    static func hash(_ words: [UInt32]) -> UInt64 {
        var state: UInt64 = 0xCBF2_9CE4_8422_2325
        for word in words {
            state = (state ^ UInt64(word)) &* 0x0000_0100_0000_01B3
        }
        return state
    }

    static func vector(seed: UInt64, dimension: Int) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<dimension).map { _ in generator.nextNormal() }
    }
}
