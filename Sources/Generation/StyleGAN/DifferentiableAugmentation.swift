import Autograd
import Tensor

/// Differentiable augmentation for data-efficient GAN training (Zhao et al. 2020, "DiffAugment",
/// policy `color,translation,cutout`): the same random transformations are applied to real and
/// generated images before the discriminator, in both D and G steps, and gradients pass through
/// them to the generator. Per sample, with r ~ U(0, 1):
///
/// - colour: brightness x + (r − ½); saturation (x − x̄_c)·2r + x̄_c (x̄_c the mean over channels;
///   the identity for grey images); contrast (x − x̄)·(r + ½) + x̄ (x̄ the image mean);
/// - translation: shift by integers in [−⌊size/8 + ½⌋, ⌊size/8 + ½⌋] on each axis, zeros moving in;
/// - cutout: a zero square of side ⌊size/2 + ½⌋ centred at a random position (clipped at the edges).
public struct DifferentiableAugmentation: Sendable, Equatable {
    public enum Policy: String, Codable, Sendable, CaseIterable { case color, translation, cutout }

    public var policies: [Policy]
    public var translationRatio: Float = 0.125
    public var cutoutRatio: Float = 0.5

    public init(policies: [Policy] = Policy.allCases) {
        self.policies = policies
    }

    /// `[batch, c, h, w]` → the same shape.
    public func callAsFunction(_ images: Variable, generator: inout SeededGenerator) -> Variable {
        var output = images
        for policy in policies {
            switch policy {
            case .color: output = color(output, generator: &generator)
            case .translation: output = translation(output, generator: &generator)
            case .cutout: output = cutout(output, generator: &generator)
            }
        }
        return output
    }

    func color(_ images: Variable, generator: inout SeededGenerator) -> Variable {
        let batch = images.shape[0]
        func draws(_ transform: (Float) -> Float) -> Variable {
            Variable(Tensor(shape: [batch, 1, 1, 1], scalars: (0..<batch).map { _ in transform(generator.nextUniform()) }))
        }
        var output = images + draws { $0 - 0.5 }  // brightness
        let channelMean = output.mean(alongAxis: 1, keepingDimension: true)  // [batch, 1, h, w]
        output = (output - channelMean) * draws { $0 * 2 } + channelMean  // saturation
        let imageMean = output.reshaped([batch, -1]).mean(alongAxis: 1).reshaped([batch, 1, 1, 1])
        return (output - imageMean) * draws { $0 + 0.5 } + imageMean  // contrast
    }

    func translation(_ images: Variable, generator: inout SeededGenerator) -> Variable {
        let (batch, height, width) = (images.shape[0], images.shape[2], images.shape[3])
        let limitY = Int(Float(height) * translationRatio + 0.5), limitX = Int(Float(width) * translationRatio + 0.5)
        var shifts: [(Int, Int)] = []
        for _ in 0..<batch {
            let dy = Int(generator.next() % UInt64(2 * limitY + 1)) - limitY
            let dx = Int(generator.next() % UInt64(2 * limitX + 1)) - limitX
            shifts.append((dy, dx))
        }
        return images.shifted(by: shifts)
    }

    func cutout(_ images: Variable, generator: inout SeededGenerator) -> Variable {
        let (batch, height, width) = (images.shape[0], images.shape[2], images.shape[3])
        let sideY = Int(Float(height) * cutoutRatio + 0.5), sideX = Int(Float(width) * cutoutRatio + 0.5)
        let mask = Tensor(shape: [batch, 1, height, width]) { mask in
            mask.initialize(repeating: 1)
            for sample in 0..<batch {
                let centerY = Int(generator.next() % UInt64(height + (1 - sideY % 2)))
                let centerX = Int(generator.next() % UInt64(width + (1 - sideX % 2)))
                for row in max(centerY - sideY / 2, 0)..<min(centerY - sideY / 2 + sideY, height) {
                    for column in max(centerX - sideX / 2, 0)..<min(centerX - sideX / 2 + sideX, width) {
                        mask[(sample * height + row) * width + column] = 0
                    }
                }
            }
        }
        return images * Variable(mask)
    }
}

extension Variable {
    /// Each sample b moved so that output[b, :, i, j] = input[b, :, i + dy_b, j + dx_b] (zero where
    /// that falls outside); the gradient moves back.
    func shifted(by shifts: [(dy: Int, dx: Int)]) -> Variable {
        let shape = self.shape
        func move(_ source: Tensor, backwards: Bool) -> Tensor {
            let (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
            return Tensor(shape: shape) { output in
                output.initialize(repeating: 0)
                for sample in 0..<batch {
                    let (dy, dx) = backwards ? (-shifts[sample].dy, -shifts[sample].dx) : shifts[sample]
                    for channel in 0..<channels {
                        let plane = (sample * channels + channel) * height * width
                        for row in 0..<height where (0..<height).contains(row + dy) {
                            for column in 0..<width where (0..<width).contains(column + dx) {
                                output[plane + row * width + column] = source.pointer[plane + (row + dy) * width + column + dx]
                            }
                        }
                    }
                }
            }
        }
        return Variable(move(value, backwards: false), operation: "shift", inputs: [self]) { [move($0, backwards: true)] }
    }
}
