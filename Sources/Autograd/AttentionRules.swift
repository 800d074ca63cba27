import Tensor

extension Variable {
    /// Scaled dot-product attention softmax(Q·Kᵀ·scale + mask)·V (Vaswani et al. 2017), composed
    /// from matmul, softmax and addition so that its gradient follows from their rules.
    /// Shapes as in `Tensor.scaledDotProductAttention`; the mask is a constant.
    public static func scaledDotProductAttention(query: Variable, key: Variable, value: Variable, mask: Tensor? = nil,
                                                 scale: Float? = nil) -> Variable {
        let depth = query.shape.last!
        var scores = matmul(query, key, transposeB: true) * (scale ?? 1 / Float(depth).squareRoot())  // [b, h, q, k]
        if let mask { scores = scores + Variable(mask) }
        return matmul(scores.softmax(), value)  // [b, h, q, valueDepth]
    }
}
