import Autograd
import Foundation
import Imaging
import Models
import NN
import Tensor

/// The model the `http` fuzz target's server embeds with: the default model's own tokenizer, so
/// hostile text still goes through the real tokenisation (and its refusals), with two stand-in
/// towers that cost microseconds instead of a network's forward pass. The target fuzzes request
/// handling — parsing, routing, limits, decoding, preprocessing, JSON — not the networks, whose
/// forward passes under AddressSanitizer made one request take about 0.1 s of CPU, so 10⁶ runs
/// would have taken days on 2 cores. Uploaded images are still decoded and preprocessed by the
/// real path, at 32×32 (OpenAI's normalisation, bicubic, shortest side).
///
/// Embeddings are deterministic: an image's is a fixed random projection of its pixels, a text's
/// a vector seeded by the hash of its token ids.
enum HTTPFuzzModel {
    static let dimension = 16
    static let imageSize = 32

    static func make() throws -> ImageTextModel {
        let tokenizer = try ModelRegistry.load(DefaultModel.name).textEncoder
        let preprocessing = Preprocessing.openAICLIP(imageSize: imageSize)
        let identity = ModelIdentity(name: "http-fuzz-model", checkpointHash: "stand-in-towers", dimension: dimension,
                                     preprocessing: preprocessing)
        let image = PixelProjectionEncoder(imageSize: imageSize, embeddingWidth: dimension)
        return ImageTextModel(imageEncoder: image, textEncoder: TokenHashTextEncoder(tokenizer: tokenizer, embeddingWidth: dimension),
                              logScale: Parameter(Tensor(scalar: 0), isTrainable: false), weights: image, identity: identity)
    }
}

/// Pixels `[batch, 3, side, side]` times a fixed seeded projection `[3·side², width]`.
struct PixelProjectionEncoder: ImageEncoder {
    let imageSize: Int
    let embeddingWidth: Int
    let projection: Tensor   // [3 · imageSize², embeddingWidth]

    init(imageSize: Int, embeddingWidth: Int) {
        self.imageSize = imageSize
        self.embeddingWidth = embeddingWidth
        var generator = SeededGenerator(seed: 13)
        let count = 3 * imageSize * imageSize * embeddingWidth
        projection = Tensor(shape: [3 * imageSize * imageSize, embeddingWidth], scalars: (0..<count).map { _ in generator.nextNormal() })
    }

    var inputSize: Int? { imageSize }

    func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding { ImageEncoding(pooled: Variable(embed(images.value))) }

    func embed(_ images: Tensor) -> Tensor {
        let batch = images.shape[0]
        return Tensor.matmul(images.reshaped([batch, images.count / max(batch, 1)]), projection)   // [batch, embeddingWidth]
    }
}

/// The wrapped encoder's tokenizer; a text's vector is seeded by the FNV-1a hash of its token ids.
struct TokenHashTextEncoder: TextEncoder {
    let tokenizer: any TextEncoder
    let embeddingWidth: Int

    func tokenize(_ texts: [String], includingSpans: Bool) throws -> TokenizedTexts {
        try tokenizer.tokenize(texts, includingSpans: includingSpans)
    }

    func encode(_ tokens: TokenizedTexts, includingTokenStates: Bool) -> TextEncoding {
        var scalars: [Float] = []
        for (ids, length) in zip(tokens.ids, tokens.lengths) {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for id in ids.prefix(length) { hash = (hash ^ UInt64(truncatingIfNeeded: id)) &* 0x0000_0100_0000_01B3 }
            var generator = SeededGenerator(seed: hash)
            scalars += (0..<embeddingWidth).map { _ in generator.nextNormal() }
        }
        return TextEncoding(pooled: Variable(Tensor(shape: [tokens.count, embeddingWidth], scalars: scalars)), tokens: tokens)
    }
}
