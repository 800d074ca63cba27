import Tensor
import NN

// LPIPS's inference path (`LPIPS.distances`): each side of the pairs goes through the backbone as
// one channel-major batch `[channels, batch, height, width]`, where each convolution over the whole
// batch is one matrix product, or one per Winograd transform point for the 3×3 and 5×5 layers,
// with its bias and ReLU fused (`Conv2d.inferChannelMajor`), and each
// layer's distance term is summed straight from the channel-major features without a tape. The two
// sides run as separate batches of one shape so that equal images give bit-equal features (a
// product's rounding may depend on where a column sits in the matrix), hence a distance of exactly
// 0. The `Variable` forward (`LPIPS.callAsFunction`) stays the differentiable reference; the two
// agree to rounding.

extension LPIPSBackbone {
    /// The ReLU output of every stage of channel-major `images` `[3, batch, height, width]` →
    /// five `[width_l, batch, h_l, w_l]`.
    func inferStages(_ images: Tensor) -> [Tensor] {
        var hidden = images, outputs: [Tensor] = []
        for (stage, indices) in stages.enumerated() {
            if poolsBeforeStage[stage] { hidden = Tensor.maxPool2d(hidden, geometry: pooling) }  // [width, batch, ~h/2, ~w/2]
            for index in indices { hidden = convolutions[index].inferChannelMajor(hidden, rectified: true) }  // [out, batch, h′, w′]
            outputs.append(hidden)
        }
        return outputs
    }
}

extension LPIPS {
    /// Distances without a tape: `[batch]` for two `[batch, 3, height, width]` batches in [−1, 1].
    public func distances(_ first: Tensor, _ second: Tensor) -> [Float] {
        precondition(first.shape == second.shape && first.rank == 4 && first.shape[1] == 3,
                     "LPIPS compares two [batch, 3, height, width] batches of one shape, got \(first.shape) and \(second.shape)")
        let firsts = backbone.inferStages(Self.scaledChannelMajor(first))    // five [width_l, batch, h_l, w_l]
        let seconds = backbone.inferStages(Self.scaledChannelMajor(second))  // five [width_l, batch, h_l, w_l]
        var totals = [Float](repeating: 0, count: first.shape[0])
        for (layer, (a, b)) in zip(linearLayers, zip(firsts, seconds)) {
            let terms = Self.layerDistances(a, b, weights: layer.convolution.weight.value.scalars)  // [batch]
            for pair in totals.indices { totals[pair] += terms[pair] }
        }
        return totals
    }

    /// The scaling layer's (x − shift)/scale of `[batch, 3, height, width]` images, channel-major:
    /// `[3, batch, height, width]`.
    static func scaledChannelMajor(_ images: Tensor) -> Tensor {
        let (batch, plane) = (images.shape[0], images.shape[2] * images.shape[3])
        return Tensor(shape: [3, batch, images.shape[2], images.shape[3]]) { output in
            for image in 0..<batch {
                for channel in 0..<3 {
                    let source = images.pointer + (image * 3 + channel) * plane
                    let target = output.baseAddress! + (channel * batch + image) * plane
                    let (shift, scale) = (Self.shift[channel], Self.scale[channel])
                    for index in 0..<plane { target[index] = (source[index] - shift) / scale }
                }
            }
        }
    }

    /// One layer's term mean_{h,w} Σ_c w_c (ŷ⁰_c − ŷ¹_c)² of each pair, from the two sides'
    /// channel-major features `[channels, batch, h, w]` with ŷ = y/(‖y‖₂ over channels + ε) → `[batch]`.
    static func layerDistances(_ first: Tensor, _ second: Tensor, weights: [Float]) -> [Float] {
        let (channels, batch, positions) = (first.shape[0], first.shape[1], first.shape[2] * first.shape[3])
        let columns = batch * positions
        precondition(second.shape == first.shape && weights.count == channels,
                     "LPIPS layer: features \(first.shape) and \(second.shape) with \(weights.count) weights")
        var inverseNorms = [Float](repeating: 0, count: 2 * columns)  // 1/(‖y‖₂ + ε) of every position, firsts then seconds
        var weighted = [Float](repeating: 0, count: columns)         // Σ_c w_c (ŷ⁰_c − ŷ¹_c)² of every position of every pair
        inverseNorms.withUnsafeMutableBufferPointer { norms in
            weighted.withUnsafeMutableBufferPointer { sums in
                ThreadPolicy.parallelFor(columns, workPerItem: 4 * channels) { range in
                    for (side, features) in [first, second].enumerated() {
                        let sideNorms = norms.baseAddress! + side * columns
                        for channel in 0..<channels {
                            let line = features.pointer + channel * columns
                            for column in range { sideNorms[column] += line[column] * line[column] }
                        }
                        for column in range { sideNorms[column] = 1 / (sideNorms[column].squareRoot() + epsilon) }
                    }
                    // Plain pointers held in locals, so the loop over columns is vectorised (through the
                    // buffers' captured base addresses it ran one scalar at a time, reloading them).
                    let (firstNorms, secondNorms, total) = (UnsafePointer(norms.baseAddress!), UnsafePointer(norms.baseAddress! + columns),
                                                            sums.baseAddress!)
                    for channel in 0..<channels {
                        let (firsts, seconds) = (first.pointer + channel * columns, second.pointer + channel * columns)
                        let weight = weights[channel]
                        for column in range {
                            let difference = firsts[column] * firstNorms[column] - seconds[column] * secondNorms[column]
                            total[column] += weight * difference * difference
                        }
                    }
                }
            }
        }
        return (0..<batch).map { pair in
            weighted[(pair * positions)..<((pair + 1) * positions)].reduce(0, +) / Float(positions)
        }
    }
}
