import Autograd
import Foundation
import Models
import NN
import Tensor
import TestSupport
import Testing

/// `SplitImageEncoder` on the real EfficientNet-Lite0 weights: for every split point the prefix
/// map through the suffix gives the whole encoder's pooled features (same operations in the same
/// order, so equal up to float rounding), the suffix's parameter paths are exactly the last
/// blocks and the head, and gradients through the suffix reach those parameters only.
@Suite struct EfficientNetSplitTests {
    static let model = Result {
        var headless = EfficientNetConfiguration.lite0
        headless.classCount = nil
        return try EfficientNet(contentsOf: EfficientNetParityTests.weightsURL(), configuration: headless)
    }

    static func images() -> Tensor {
        var generator = SeededGenerator(seed: 11)
        return Tensor.randomNormal([2, 3, 128, 128], generator: &generator)  // [2, 3, 128, 128]
    }

    @Test(arguments: [0, 1, 2, 5, 16])
    func prefixThroughSuffixEqualsTheWholeEncoder(blocks: Int) throws {
        let model = try Self.model.get()
        let images = Self.images()
        let whole = model.embed(images)  // [2, 1280]
        let split = GradientMode.withoutGradients {
            model.suffixPooled(model.prefixFeatureMap(Variable(images), suffixBlocks: blocks), suffixBlocks: blocks).value
        }
        #expect(split.shape == [2, 1280])
        let difference = split.maxAbsoluteDifference(whole)
        #expect(difference <= 1e-5 * max(1, whole.abs().max()), "suffix of \(blocks) blocks: max |Δ| = \(difference)")
    }

    @Test func prefixMapShapes() throws {
        let model = try Self.model.get()
        let map = GradientMode.withoutGradients { model.prefixFeatureMap(Variable(Self.images()), suffixBlocks: 1).value }
        #expect(map.shape == [2, 192, 4, 4])  // the input of Lite0's last block at 128 px
        #expect(model.splittableBlockCount == 16)
    }

    @Test func suffixPathsNameTheLastBlocksAndTheHead() throws {
        let model = try Self.model.get()
        #expect(model.suffixParameterPaths(blocks: 2) == ["blocks.14", "blocks.15", "conv_head", "bn1"])
        #expect(model.suffixParameterPaths(blocks: 0) == ["conv_head", "bn1"])
    }

    @Test func gradientsReachTheSuffixOnly() throws {
        var headless = EfficientNetConfiguration.lite0
        headless.classCount = nil
        let model = try EfficientNet(contentsOf: EfficientNetParityTests.weightsURL(), configuration: headless)
        model.setMode(.inference)
        let map = GradientMode.withoutGradients { model.prefixFeatureMap(Variable(Self.images()), suffixBlocks: 1).value }
        model.suffixPooled(Variable(map), suffixBlocks: 1).squared().sum().backward()
        let suffix = model.suffixParameterPaths(blocks: 1)
        for (name, parameter) in model.namedParameters where !parameter.isBuffer {
            let inSuffix = suffix.contains { name.hasPrefix($0 + ".") }
            if inSuffix {
                let gradient = try #require(parameter.gradient, "no gradient for \(name)")
                #expect(gradient.abs().max() > 0, "zero gradient for \(name)")
            } else {
                #expect(parameter.gradient == nil, "\(name) is in the prefix but got a gradient")
            }
        }
    }
}
