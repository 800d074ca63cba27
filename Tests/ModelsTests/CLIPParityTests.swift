import Foundation
import Models
import NN
import Tensor
import TestSupport
import Testing

/// CLIP models loaded from OpenCLIP's and Hugging Face's files reproduce their reference outputs
/// (`scripts/fixtures/clip_models.py`: OpenCLIP 3.3.0 / transformers 5.23.0 on torch 2.15):
/// max |Δ| ≤ 1e-4 · max |ref| and cosine ≥ 0.99999 per embedding, for features, normalised
/// embeddings and logits.
@Suite struct CLIPParityTests {
    /// An OpenCLIP fixture model in one file format.
    struct OpenCLIPCase: CustomTestStringConvertible, Sendable {
        let model: String
        let fileExtension: String
        var file: String { "\(model).\(fileExtension)" }
        var testDescription: String { file }
    }

    static let openCLIPCases: [OpenCLIPCase] =
        ["bin", "safetensors", "pt"].flatMap { format in
            ["vit_quickgelu", "resnet_gelu"].map { OpenCLIPCase(model: $0, fileExtension: format) }
        } + [OpenCLIPCase(model: "vit_gelu", fileExtension: "safetensors")]

    func expectAgreement(_ model: CLIP, _ reference: CLIPFixtures.Reference, label: String,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        let imageFeatures = model.encodeImage(reference.images, normalize: false)
        let textFeatures = model.encodeText(reference.tokenIDs, normalize: false)
        let imageEmbeddings = model.encodeImage(reference.images)
        let textEmbeddings = model.encodeText(reference.tokenIDs)
        let logits = model.logits(imageEmbeddings: imageEmbeddings, textEmbeddings: textEmbeddings)
        let checks: [(String, Tensor, Tensor)] = [
            ("image features", imageFeatures, reference.imageFeatures),
            ("text features", textFeatures, reference.textFeatures),
            ("image embeddings", imageEmbeddings, reference.imageEmbeddings),
            ("text embeddings", textEmbeddings, reference.textEmbeddings),
            ("logits per image", logits, reference.logitsPerImage),
        ]
        for (name, actual, expected) in checks {
            let agreement = ParityMeasure(actual, expected)
            print("parity \(label) \(name): \(agreement)")
            #expect(agreement.isWithinTolerance, "\(label) \(name): \(agreement)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: openCLIPCases)
    func openCLIPFileMatchesOpenCLIP(_ testCase: OpenCLIPCase) throws {
        let configuration = try CLIPConfiguration(openCLIPJSON: try CLIPFixtures.openCLIPConfiguration(testCase.model))
        let model = try CLIP.load(contentsOf: CLIPFixtures.url(testCase.file), configuration: configuration)
        expectAgreement(model, try CLIPFixtures.reference(testCase.model), label: testCase.file)
    }

    @Test(arguments: openCLIPCases)
    func configurationInferredFromTensorsMatchesOpenCLIP(_ testCase: OpenCLIPCase) throws {
        let expected = try CLIPConfiguration(openCLIPJSON: try CLIPFixtures.openCLIPConfiguration(testCase.model))
        let activation = expected.text.activation
        // The fixtures use 8-wide heads throughout (OpenAI's and OpenCLIP's models use 64).
        let model = try CLIP.load(contentsOf: CLIPFixtures.url(testCase.file), activation: activation, headWidth: 8)
        #expect(model.configuration == expected)
        expectAgreement(model, try CLIPFixtures.reference(testCase.model), label: "\(testCase.file) (inferred)")
    }

    @Test func huggingFaceCLIPModelMatchesTransformers() throws {
        let model = try CLIP.loadHuggingFace(directory: CLIPFixtures.url("hf_clip"))
        #expect(model.configuration.text.pooling == .firstOccurrence(of: 3))
        #expect(model.configuration.text.activation == .gelu)
        #expect(model.configuration.vision.outputDimension == 24)
        guard case let .visionTransformer(vision) = model.configuration.vision else {
            Issue.record("expected a vision transformer")
            return
        }
        #expect(vision.activation == .quickGELU && vision.mlpWidth == 80 && vision.heads == 2)
        expectAgreement(model, try CLIPFixtures.reference("hf_clip"), label: "hf_clip/model.safetensors")
    }

    @Test func logitsPairTransposes() throws {
        let configuration = try CLIPConfiguration(openCLIPJSON: try CLIPFixtures.openCLIPConfiguration("vit_quickgelu"))
        let model = try CLIP.load(contentsOf: CLIPFixtures.url("vit_quickgelu.safetensors"), configuration: configuration)
        let reference = try CLIPFixtures.reference("vit_quickgelu")
        let (perImage, perText) = model.logits(images: reference.images, tokenIDs: reference.tokenIDs)
        #expect(ParityMeasure(perImage, reference.logitsPerImage).isWithinTolerance)
        #expect(perText.shape == [perImage.shape[1], perImage.shape[0]])
        #expect(perText.scalars == perImage.transposed().scalars)
    }
}
