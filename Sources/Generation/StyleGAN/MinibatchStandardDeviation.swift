import Autograd
import Tensor

/// The minibatch standard deviation feature (Karras et al. 2018, ProGAN §3; StyleGAN2's
/// discriminator with group size 4 and one feature): the batch is split into G = min(4, batch)
/// interleaved groups (sample g·M + m is member g of subgroup m), each feature's standard
/// deviation over the G members √(Var_g + 10⁻⁸) is averaged over channels and positions, and that
/// one number per subgroup is appended as an extra channel to every member:
///
///     [batch, c, h, w] → [batch, c + 1, h, w].
///
/// The batch must be a multiple of G.
public enum MinibatchStandardDeviation {
    public static let groupSize = 4

    public static func appended(to input: Variable) -> Variable {
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let group = min(batch, groupSize)
        precondition(batch % group == 0, "the minibatch standard deviation needs a batch that is a multiple of \(group), got \(batch)")
        let members = input.reshaped([group, batch / group, channels * height * width])  // [G, M, chw]
        let centered = members - members.mean(alongAxis: 0, keepingDimension: true)
        let deviation = (centered.squared().mean(alongAxis: 0) + 1e-8).sqrt()  // [M, chw]
        let feature = deviation.mean(alongAxis: 1).reshaped([1, batch / group, 1, 1, 1])  // [1, M, 1, 1, 1]
        let spread = (feature * Variable(Tensor(repeating: 1, shape: [group, batch / group, 1, height, width])))
            .reshaped([batch, 1, height, width])
        return Variable.concatenate([input, spread], alongAxis: 1)  // [batch, c + 1, h, w]
    }
}
