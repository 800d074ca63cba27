import Checkpoint
import Foundation
import NN

/// A model built from a configuration whose checkpoint files load through a weight mapping the
/// model picks for itself (torchvision's ResNet and the EfficientNet-Lite port: a headless model
/// leaves the checkpoint's classifier unused).
public protocol WeightFileLoading: Module {
    associatedtype Configuration
    /// The configuration `init(contentsOf:)` builds when none is given.
    static var defaultConfiguration: Configuration { get }
    /// A model with zero weights and unit BatchNorm statistics.
    init(configuration: Configuration)
    /// How this model's checkpoints map onto it.
    var weightMapping: WeightMapping { get }
}

extension WeightFileLoading {
    /// Loads a checkpoint file (PyTorch zip or legacy pickle, or safetensors) strictly: every
    /// parameter and BatchNorm buffer filled, or an error naming each missing, unused or
    /// wrong-shape tensor with the model left untouched.
    public func loadWeights(contentsOf url: URL) throws {
        try loadWeights(try CheckpointFormat.loadTensors(contentsOf: url), mapping: weightMapping, source: url.lastPathComponent)
    }

    /// A model of `configuration` with the weights of `url`.
    public init(contentsOf url: URL, configuration: Configuration = Self.defaultConfiguration) throws {
        self.init(configuration: configuration)
        try loadWeights(contentsOf: url)
    }
}
