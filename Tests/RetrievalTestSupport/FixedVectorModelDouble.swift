import Autograd
import Foundation
import Imaging
import Models
import NN
import Retrieval
import Tensor

/// TEST DOUBLE — not a model. An `ImageTextModel` for indexer tests: each image's vector is a
/// fixed pseudo-random function of its preprocessed pixels (FNV-1a hash → seeded generator), each
/// text's of its UTF-8 bytes, so the same content always gets the same vector in any process, and
/// different content different vectors. Optionally sleeps per call so a test can kill an indexing
/// process mid-run; `reportedDimension` lets an encoder claim another width than it returns.
extension ImageTextModel {
    public static func fixedVectorDouble(name: String = "fixed-vector-test-double", checkpointHash: String = "test-double-hash",
                                         dimension: Int = 16, reportedDimension: Int? = nil, delayPerCall: Double = 0,
                                         resizeMode: ResizeMode = .squash, imageSize: Int = 8) -> ImageTextModel {
        let width = reportedDimension ?? dimension
        let identity = ModelIdentity(name: name, checkpointHash: checkpointHash, dimension: width,
                                     preprocessing: Preprocessing(imageSize: imageSize, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25],
                                                                  interpolation: .bilinear, resizeMode: resizeMode))
        let image = HashedImageEncoder(dimension: dimension, embeddingWidth: width, delayPerCall: delayPerCall, imageSize: imageSize)
        return ImageTextModel(imageEncoder: image, textEncoder: HashedTextEncoder(dimension: dimension, embeddingWidth: width,
                                                                                 delayPerCall: delayPerCall),
                              logScale: Parameter(Tensor(scalar: 0), isTrainable: false), weights: image, identity: identity)
    }

    /// The unit vector the double returns for an image file's content, decoded and preprocessed as the indexer does.
    public func expectedVector(forImageFile url: URL) throws -> [Float] {
        let tensor = try identity.preprocessing!(ImageDecoder().decode(contentsOf: url))
        return try embed(images: tensor.reshaped([1] + tensor.shape)).scalars
    }
}

/// Hash-seeded vectors of preprocessed pixels.
struct HashedImageEncoder: ImageEncoder {
    let dimension: Int
    let embeddingWidth: Int
    let delayPerCall: Double
    let imageSize: Int
    var inputSize: Int? { imageSize }

    func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding { ImageEncoding(pooled: Variable(embed(images.value))) }

    func embed(_ images: Tensor) -> Tensor {
        if delayPerCall > 0 { Thread.sleep(forTimeInterval: delayPerCall) }
        let count = images.shape[0], size = images.count / max(count, 1)
        var scalars: [Float] = []
        for row in 0..<count {
            let pixels = UnsafeBufferPointer(start: images.pointer + row * size, count: size)
            scalars += HashedVectors.vector(seed: HashedVectors.hash(pixels.map { $0.bitPattern }), dimension: dimension)
        }
        return Tensor(shape: [count, dimension], scalars: scalars)
    }
}

/// Hash-seeded vectors of UTF-8 bytes; "tokens" are the bytes.
struct HashedTextEncoder: TextEncoder {
    let dimension: Int
    let embeddingWidth: Int
    let delayPerCall: Double

    func tokenize(_ texts: [String], includingSpans: Bool) throws -> TokenizedTexts {
        let rows = texts.map { Array($0.utf8).map(Int.init) }
        let length = rows.map(\.count).max() ?? 0
        return TokenizedTexts(ids: rows.map { $0 + Array(repeating: 0, count: length - $0.count) }, lengths: rows.map(\.count))
    }

    func encode(_ tokens: TokenizedTexts, includingTokenStates: Bool) -> TextEncoding {
        let texts = zip(tokens.ids, tokens.lengths).map { String(decoding: $0.0.prefix($0.1).map(UInt8.init), as: UTF8.self) }
        return TextEncoding(pooled: Variable(embed(texts)), tokens: tokens)
    }

    func embed(_ texts: [String], batchSize: Int) throws -> Tensor { embed(texts) }

    func embed(_ texts: [String]) -> Tensor {
        if delayPerCall > 0 { Thread.sleep(forTimeInterval: delayPerCall) }
        let scalars = texts.flatMap { HashedVectors.vector(seed: HashedVectors.hash(Array($0.utf8).map(UInt32.init)), dimension: dimension) }
        return Tensor(shape: [texts.count, dimension], scalars: scalars)
    }
}

enum HashedVectors {
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
