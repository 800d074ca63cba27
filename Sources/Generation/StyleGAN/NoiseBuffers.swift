import NN
import Tensor

/// The fixed per-layer noise maps of a StyleGAN2 generator (rosinality's `noises` module,
/// buffers `noise_0` … `noise_{L−1}`, each `[1, 1, r, r]` at its layer's resolution r), used when
/// images must be reproducible; training and ordinary sampling draw fresh noise instead.
public struct NoiseBuffers: Module {
    @Key("noise_", numberedFrom: 0) public var maps: [Parameter]

    /// One map per synthesis layer: 4×4 for the first, then two per resolution 8, 16, … `size`.
    public init(size: Int, generator: inout SeededGenerator) {
        maps = Self.resolutions(size: size).map { side in
            Parameter(buffer: Tensor.randomNormal([1, 1, side, side], generator: &generator))
        }
    }

    /// The side of each synthesis layer's feature map: [4, 8, 8, 16, 16, …, size, size].
    public static func resolutions(size: Int) -> [Int] {
        let sides = StyleGANConfiguration.resolutions(size: size)  // [4, 8, …, size]
        return [sides[0]] + sides.dropFirst().flatMap { [$0, $0] }
    }
}
