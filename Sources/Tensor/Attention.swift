extension Tensor {
    /// Scaled dot-product attention (Vaswani et al. 2017): softmax(Q·Kᵀ/√d + mask)·V.
    ///
    /// - query `[batch, heads, queries, depth]`, key `[batch, heads, keys, depth]`,
    ///   value `[batch, heads, keys, valueDepth]`.
    /// - mask: additive, broadcastable to `[batch, heads, queries, keys]` (−∞ blocks a position),
    ///   e.g. a causal `[queries, keys]` mask or a key-padding `[batch, 1, 1, keys]` mask.
    /// - Returns `[batch, heads, queries, valueDepth]`.
    public static func scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, mask: Tensor? = nil,
                                                 scale: Float? = nil) -> Tensor {
        let depth = query.shape.last!
        var scores = matmul(query, key, transposeB: true) * (scale ?? 1 / Float(depth).squareRoot())  // [b, h, q, k]
        if let mask { scores = scores + mask }
        return matmul(scores.softmax(), value)  // [b, h, q, valueDepth]
    }

    /// The additive causal mask `[size, size]`: 0 on and below the diagonal, −∞ above.
    public static func causalMask(size: Int) -> Tensor {
        Tensor(shape: [size, size]) { buffer in
            for row in 0..<size { for column in 0..<size { buffer[row * size + column] = column > row ? -.infinity : 0 } }
        }
    }
}
