import Autograd
import Checkpoint
import Foundation
import Models
import NN
import Tensor
import TestSupport
import Testing

/// A Multilingual-CLIP text tower (XLM-RoBERTa + projection) against transformers on the tiny
/// random model of `scripts/fixtures/multilingual_clip.py`: XLMRobertaTokenizer's ids, the
/// transformer's states and M-CLIP's mean-pooled, projected embeddings; and the registry pairing
/// it with a CLIP image tower.
@Suite struct MultilingualCLIPTests {
    static let folder = TestPaths.fixture("multilingual_clip", "tiny_mclip")

    static func texts() throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(contentsOf: TestPaths.fixture("multilingual_clip", "texts.json")))
    }

    static func reference(_ name: String) throws -> Tensor {
        try SafetensorsFile(contentsOf: TestPaths.fixture("multilingual_clip", "tiny_mclip.reference.safetensors")).tensor(named: name)
    }

    @Test func idsMatchXLMRobertaTokenizer() throws {
        let encoder = try MultilingualCLIPTextEncoder.load(directory: Self.folder, headWidth: 8)
        let tokens = try encoder.tokenize(try Self.texts())
        let ids = try Self.reference("input_ids"), mask = try Self.reference("attention_mask")
        #expect(tokens.length == ids.shape[1])
        #expect(tokens.ids.flatMap { $0 }.map(Float.init) == ids.scalars)
        #expect(tokens.lengths == (0..<mask.shape[0]).map { Int(mask[$0].scalars.reduce(0, +)) })
        #expect(encoder.maximumLength == 38 && encoder.transformer.configuration.attentionHeads == 4)
    }

    @Test func embeddingsAndStatesMatchTransformers() throws {
        let encoder = try MultilingualCLIPTextEncoder.load(directory: Self.folder, headWidth: 8)
        let encoding = GradientMode.withoutGradients { encoder.encode(try! encoder.tokenize(try! Self.texts()), includingTokenStates: true) }
        expectRowsMatch(encoding.pooled.value, try Self.reference("embeddings"), minimumCosine: 0.99999, relativeDifference: 1e-4)
        let states = try #require(encoding.tokenStates).value
        let expected = try Self.reference("last_hidden_state")
        #expect(ParityMeasure(states, expected).relativeMaximumDifference <= 1e-4, "\(ParityMeasure(states, expected))")
    }

    @Test func theRegistryPairsItWithACLIPImageTower() throws {
        let imageTower = TestPaths.fixture("clip_models", "hf_clip").path
        let model = try ModelRegistry.load(Self.folder.path, options: ModelOptions(headWidth: 8, imageTower: imageTower))
        let clip = try ModelRegistry.load(imageTower)
        #expect(model.identity.dimension == 24 && model.identity.options.imageTower == imageTower)
        #expect(model.identity.preprocessing == clip.identity.preprocessing && model.logitScale == clip.logitScale)
        expectRowsMatch(try model.embed(texts: try Self.texts()), try Self.reference("embeddings").l2NormalizedRows(),
                        minimumCosine: 0.99999, relativeDifference: 1e-4)
        let size = try #require(clip.identity.preprocessing).imageSize
        var generator = SeededGenerator(seed: 7)
        let images = Tensor.randomUniform([2, 3, size, size], lower: -1, upper: 1, generator: &generator)
        #expect(try model.embed(images: images).maxAbsoluteDifference(try clip.embed(images: images)) == 0)
        // Reloading by the recorded name and options gives the same identity.
        #expect(try ModelRegistry.load(model.identity.name, options: model.identity.options).identity == model.identity)
        // Without a pairing the folder's name does not say which CLIP it belongs to.
        #expect(throws: ModelError.self) { try ModelRegistry.load(Self.folder.path, options: ModelOptions(headWidth: 8)) }
        #expect(MultilingualCLIPConfiguration.pairedImageModel(forName: "M-CLIP/XLM-Roberta-Large-Vit-B-32") == "ViT-B-32/openai")
        #expect(MultilingualCLIPConfiguration.pairedImageModel(forName: "M-CLIP/XLM-Roberta-Large-Vit-L-14") == "ViT-L-14/openai")
    }
}
