import Autograd
import Checkpoint
import Foundation
import Models
import NN
import Tensor
import Testing
import Tokenizers
import TestSupport

/// The encoder contract's token states against open_clip (`scripts/fixtures/encoders.py`,
/// open_clip_torch 3.3.0): a tiny CLIP's pooled embeddings and per-token states, through
/// `ImageEncoder.encode` and `TextEncoder.encode`, within max |Δ| ≤ 1e-4 · max |ref| (the Models
/// parity bar), and the fast pooled-only path giving the same pooled rows.
@Suite struct EncoderContractTests {
    static let reference = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("encoders", "tiny_clip.tokens.safetensors")) }
    static let clip = Result {
        let vision = VisionTransformerConfiguration(imageSize: 32, patchSize: 8, width: 32, layers: 2, heads: 4,
                                                    outputDimension: 24, activation: .gelu)
        let text = TextTransformerConfiguration(contextLength: 16, vocabularySize: 512, width: 32, layers: 2, heads: 4,
                                                outputDimension: 24, activation: .gelu)
        return try CLIP.load(contentsOf: TestPaths.fixture("training_parity", "tiny_clip.safetensors"),
                             configuration: CLIPConfiguration(vision: .visionTransformer(vision), text: text))
    }

    static let tolerance = Tolerance.relative(1e-4, floor: 1e-30)

    @Test func visionTransformerPatchTokensMatchOpenCLIP() throws {
        let (clip, reference) = (try Self.clip.get(), try Self.reference.get())
        let images = try reference.tensor(named: "images")
        let encoding = GradientMode.withoutGradients { clip.imageTower.encode(Variable(images), includingTokenStates: true) }
        #expect(encoding.grid == TokenGrid(rows: 4, columns: 4))
        expectClose(encoding.pooled.value, try reference.tensor(named: "image_pooled"), Self.tolerance, "pooled")
        expectClose(try #require(encoding.tokenStates).value, try reference.tensor(named: "image_tokens"), Self.tolerance, "patch tokens")
        expectClose(clip.imageTower.embed(images), try reference.tensor(named: "image_pooled"), Self.tolerance, "pooled-only path")
        let map = try #require(encoding.featureMap)
        #expect(map.shape == [2, 32, 4, 4])
        // Position (row 1, column 2) of the map is patch token 1·4 + 2.
        #expect(map.value[indices: 1, 5, 1, 2] == encoding.tokenStates!.value[indices: 1, 6, 5])
    }

    @Test func textTransformerTokenStatesMatchOpenCLIP() throws {
        let (clip, reference) = (try Self.clip.get(), try Self.reference.get())
        let rows = try reference.tensor(named: "tokens")
        let ids = (0..<rows.shape[0]).map { row in (0..<rows.shape[1]).map { Int(rows[indices: row, $0]) } }
        let tokens = TokenizedTexts(ids: ids, lengths: [7, 16])
        let encoder = CLIPTextEncoder(clip.textTower, tokenizer: try CLIPTokenizer(mergesFile: try TestPaths.installedPackageFile(
            "clip/bpe_simple_vocab_16e6.txt.gz")))
        let encoding = GradientMode.withoutGradients { encoder.encode(tokens, includingTokenStates: true) }
        expectClose(encoding.pooled.value, try reference.tensor(named: "text_pooled"), Self.tolerance, "pooled")
        expectClose(try #require(encoding.tokenStates).value, try reference.tensor(named: "text_tokens"), Self.tolerance, "token states")
        let fast = GradientMode.withoutGradients { encoder.encode(tokens, includingTokenStates: false).pooled.value }
        expectClose(fast, try reference.tensor(named: "text_pooled"), Self.tolerance, "pooled-only path")
    }

    /// Token states are on the tape: every weight of both towers receives a gradient through them.
    @Test func tokenStatesAreDifferentiable() throws {
        let (clip, reference) = (try Self.clip.get(), try Self.reference.get())
        let encoding = clip.imageTower.encode(Variable(try reference.tensor(named: "images")), includingTokenStates: true)
        (try #require(encoding.tokenStates).squared().sum() + encoding.pooled.squared().sum()).backward()
        for (name, parameter) in clip.imageTower.namedParameters {
            let gradient = try #require(parameter.gradient, "no gradient for visual.\(name)")
            #expect(gradient.abs().max() > 0, "zero gradient for visual.\(name)")
            parameter.clearGradient()
        }
    }
}
