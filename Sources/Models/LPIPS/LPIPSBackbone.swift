import Autograd
import NN
import Tensor

/// The ImageNet classifiers LPIPS reads features from, up to the layers it uses: AlexNet's five
/// convolutions (Krizhevsky et al. 2012, torchvision's single-tower form) and VGG16's thirteen
/// (Simonyan & Zisserman 2015). Each stage ends on a ReLU whose output is one LPIPS layer
/// (AlexNet's last two stages have no pooling before them):
///
///     AlexNet   conv11×11,s4,p2 | pool3,s2 conv5×5,p2 | pool3,s2 conv3×3 | conv3×3 | conv3×3
///               64                192                   384                256       256
///     VGG16     2×conv3×3 | pool2 2×conv | pool2 3×conv | pool2 3×conv | pool2 3×conv
///               64          128            256            512            512
///
/// The convolutions are keyed `0`, `1`, … in network order (`net.<i>.weight` under `LPIPS`).
public struct LPIPSBackbone: Module {
    /// Which network.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case alex
        case vgg
    }

    public let kind: Kind
    @Key("") public var convolutions: [Conv2d]

    /// A backbone with zero weights; load weights before use.
    public init(_ kind: Kind) {
        self.kind = kind
        switch kind {
        case .alex:
            convolutions = [
                Conv2d(inChannels: 3, outChannels: 64, kernelSize: 11, stride: 4, padding: 2),
                Conv2d(inChannels: 64, outChannels: 192, kernelSize: 5, padding: 2),
                Conv2d(inChannels: 192, outChannels: 384, kernelSize: 3, padding: 1),
                Conv2d(inChannels: 384, outChannels: 256, kernelSize: 3, padding: 1),
                Conv2d(inChannels: 256, outChannels: 256, kernelSize: 3, padding: 1),
            ]
        case .vgg:
            let widths = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]
            convolutions = widths.indices.map { index in
                Conv2d(inChannels: index == 0 ? 3 : widths[index - 1], outChannels: widths[index], kernelSize: 3, padding: 1)
            }
        }
    }

    /// The convolution indices of each stage.
    public var stages: [[Int]] {
        switch kind {
        case .alex: return [[0], [1], [2], [3], [4]]
        case .vgg: return [[0, 1], [2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]
        }
    }

    /// Channels of each stage's output.
    public var stageWidths: [Int] { stages.map { convolutions[$0.last!].weight.value.shape[0] } }

    /// Whether a max pooling precedes each stage (AlexNet pools before its second and third
    /// convolutions only, VGG16 before every stage but the first).
    public var poolsBeforeStage: [Bool] {
        switch kind {
        case .alex: return [false, true, true, false, false]
        case .vgg: return [false, true, true, true, true]
        }
    }

    /// The max pooling window (no padding, floor rounding).
    var pooling: Convolution2DGeometry {
        kind == .alex ? Convolution2DGeometry(kernel: (3, 3), stride: (2, 2)) : Convolution2DGeometry(kernel: (2, 2), stride: (2, 2))
    }

    /// The ReLU output of every stage: `[batch, 3, height, width]` → five `[batch, width_l, h_l, w_l]`.
    public func callAsFunction(_ images: Variable) -> [Variable] {
        var hidden = images, outputs: [Variable] = []
        for (stage, indices) in stages.enumerated() {
            if poolsBeforeStage[stage] { hidden = hidden.maxPool2d(geometry: pooling) }  // [batch, width, ~h/2, ~w/2]
            for index in indices { hidden = convolutions[index](hidden).relu() }
            outputs.append(hidden)
        }
        return outputs
    }
}
