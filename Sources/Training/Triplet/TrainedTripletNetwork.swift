import Checkpoint
import Datasets
import Foundation
import Imaging
import Models
import NN
import Tensor

/// A Siamese triplet network saved by the `triplet` task (its `model.safetensors`, or the run
/// folder holding it), rebuilt from the run's configuration stored in the file's metadata and
/// loaded strictly, in inference mode, as an embedder of images: f(x) = head(backbone(x)) with
/// the training's input rule — squash to `image_size`² (bilinear), sample/255, then per-channel
/// (x − mean)/std (Hoffer & Ailon 2015, "Deep metric learning using triplet network").
public struct TrainedTripletNetwork {
    /// The metadata key under which `TripletTraining.saveModel` stores the run's configuration.
    public static let configurationMetadataKey = "clipkit.configuration"

    public let network: SiameseTripletNetwork
    public let configuration: TrainingConfiguration
    /// The file the weights came from.
    public let file: URL

    public init(contentsOf url: URL) throws {
        var file = url
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            file = url.appendingPathComponent("model.safetensors")
        }
        let safetensors = try SafetensorsFile(contentsOf: file)
        guard let json = safetensors.metadata[Self.configurationMetadataKey] else {
            throw TrainingError.invalidConfiguration("\(file.path) has no \(Self.configurationMetadataKey) metadata: not a saved triplet model")
        }
        let configuration = try TrainingConfiguration.decode(Data(json.utf8), source: file.path)
        guard configuration.task == .triplet else {
            throw TrainingError.invalidConfiguration("\(file.path) was trained by task \(configuration.task.rawValue), not triplet")
        }
        var generator = SeededGenerator(seed: configuration.seed)
        let network = try TripletTraining.makeNetwork(configuration.triplet, channels: configuration.triplet.data.channels,
                                                      loadingInitialWeights: false, generator: &generator)
        try network.loadWeights(try safetensors.allTensors(), mapping: WeightMapping(), source: file.lastPathComponent)
        network.setMode(.inference)
        self.network = network
        self.configuration = configuration
        self.file = file
    }

    /// The normalisation the network was trained with (`triplet.normalization`, else Fashion-MNIST's
    /// for `fashion_mnist` data, else sample/255 unchanged).
    public var normalization: PixelNormalization {
        let task = configuration.triplet
        return task.normalization ?? (task.data.source == .fashionMNIST ? .fashionMNIST : .unit(channels: task.data.channels))
    }

    /// The image preprocessing of a 3-channel (RGB) network as a `Preprocessing`: squash to
    /// `image_size`², bilinear, the training's normalisation. A grey (1-channel) network has no
    /// RGB preprocessing: retrain it with `triplet.data.channels` 3 (grey photos give R = G = B).
    public func preprocessing() throws -> Preprocessing {
        let data = configuration.triplet.data
        guard data.channels == 3 else {
            throw TrainingError.invalidConfiguration(
                "\(file.path) was trained on \(data.channels)-channel images; embedding image files needs a 3-channel network "
                + "(triplet.data.channels 3; grey photos then have R = G = B)")
        }
        let normalization = self.normalization
        return Preprocessing(imageSize: data.imageSize, mean: normalization.mean, std: normalization.std, interpolation: .bilinear,
                             resizeMode: .squash)
    }
}
