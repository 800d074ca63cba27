import Foundation
import Models
import NN
import Tensor
import TestSupport
import Testing

/// Reduced-precision inference (`Module.setInferencePrecision`) against the fp32 reference
/// outputs of the parity fixtures: every embedding keeps cosine ≥ 0.999 (bf16) / ≥ 0.995 (int8)
/// with the reference (issue 11). On a CPU without the kernels the conversion falls back to fp32
/// and the same bounds hold trivially.
@Suite struct ReducedPrecisionParityTests {
    static let clipCases = ["vit_quickgelu", "vit_gelu", "resnet_gelu"]
    static let reducedPrecisions: [InferencePrecision] = [.bf16, .int8]

    static func minimumCosine(_ precision: InferencePrecision) -> Double { precision == .int8 ? 0.995 : 0.999 }

    @Test(arguments: clipCases, reducedPrecisions)
    func clipEmbeddingsStayWithinTheCosineBound(_ name: String, precision requested: InferencePrecision) throws {
        let configuration = try CLIPConfiguration(openCLIPJSON: try CLIPFixtures.openCLIPConfiguration(name))
        let model = try CLIP.load(contentsOf: CLIPFixtures.url("\(name).safetensors"), configuration: configuration)
        let reference = try CLIPFixtures.reference(name)
        let full = (model.encodeImage(reference.images), model.encodeText(reference.tokenIDs))
        let precision = model.setInferencePrecision(requested)
        #expect(precision == requested.resolved.precision)
        let reduced = (model.encodeImage(reference.images), model.encodeText(reference.tokenIDs))
        for (label, actual, expected) in [("image", reduced.0, reference.imageEmbeddings), ("text", reduced.1, reference.textEmbeddings)] {
            let measure = ParityMeasure(actual, expected)
            print("\(requested) \(name) \(label) embeddings vs OpenCLIP fp32: \(measure)")
            #expect(measure.minimumRowCosine >= Self.minimumCosine(requested), "\(name) \(label): \(measure)")
        }
        // Back to fp32: the copies are dropped and the outputs are the fp32 ones again, bit for bit.
        #expect(model.setInferencePrecision(.fp32) == .fp32)
        #expect(model.encodeImage(reference.images).scalars == full.0.scalars)
        #expect(model.encodeText(reference.tokenIDs).scalars == full.1.scalars)
    }

    @Test(arguments: reducedPrecisions)
    func huggingFaceCLIPStaysWithinTheCosineBound(_ precision: InferencePrecision) throws {
        let model = try CLIP.loadHuggingFace(directory: CLIPFixtures.url("hf_clip"))
        let reference = try CLIPFixtures.reference("hf_clip")
        model.setInferencePrecision(precision)
        let image = ParityMeasure(model.encodeImage(reference.images), reference.imageEmbeddings)
        let text = ParityMeasure(model.encodeText(reference.tokenIDs), reference.textEmbeddings)
        print("\(precision) hf_clip embeddings vs transformers fp32: image \(image), text \(text)")
        let bound = Self.minimumCosine(precision)
        #expect(image.minimumRowCosine >= bound && text.minimumRowCosine >= bound, "image \(image), text \(text)")
    }

    /// The default model's text tower with its real weights: 200 sentences against
    /// sentence-transformers' fp32 embeddings.
    @Test(arguments: reducedPrecisions)
    func miniLMStaysWithinTheCosineBound(_ precision: InferencePrecision) throws {
        let model = try SentenceTransformer(directory: try BERTFixtures.miniLMFolder())
        model.setInferencePrecision(precision)
        let texts = try JSONDecoder().decode(
            SentenceTransformerTests.Sentences.self,
            from: Data(contentsOf: BERTFixtures.url("sentence_transformers", "minilm_sentences.json"))).sentences
        let reference = try BERTFixtures.reference("sentence_transformers", "minilm_embeddings.safetensors")
        let measure = ParityMeasure(try model.embed(texts: texts, batchSize: 32), reference["embeddings"]!)
        print("\(precision) all-MiniLM-L6-v2, 200 sentences vs sentence-transformers fp32: \(measure)")
        #expect(measure.minimumRowCosine >= Self.minimumCosine(precision), "\(measure)")
    }

    /// A weight changed after conversion (a training step, a reload) drops its stale copy.
    @Test func changingAWeightDropsItsCopy() {
        var generator = SeededGenerator(seed: 3)
        let layer = Linear(inFeatures: 40, outFeatures: 70, generator: &generator)
        for precision in Self.reducedPrecisions {
            layer.setInferencePrecision(precision)
            #expect((layer.weight.inferenceCopy?.precision == precision) == precision.isSupported)
            layer.weight.value = layer.weight.value * 2
            #expect(layer.weight.inferenceCopy == nil)
        }
    }
}
