import Autograd
import Tensor

/// sentence-transformers' `Pooling` module (Reimers & Gurevych 2019): token embeddings
/// `[batch, tokens, width]` and their attention mask → one vector per sentence,
/// `[batch, width · modes.count]`, the modes' results concatenated in order (see `PoolingMode`).
///
/// Every mode but `max` is a weighted sum of token embeddings, computed as one batched product
/// pooled[b] = wᵇ·Hᵇ with weights `[batch, 1, tokens]` read off the mask; `max` routes its
/// gradient to the chosen token. Both are differentiable.
public struct SentencePooling: Sendable {
    public let configuration: PoolingConfiguration

    public init(_ configuration: PoolingConfiguration) {
        self.configuration = configuration
    }

    /// - Parameter attentionMask: row-major `[batch, tokens]`, non-zero for real tokens.
    public func callAsFunction(_ tokenEmbeddings: Variable, attentionMask: [Int]) -> Variable {
        let (batch, tokens) = (tokenEmbeddings.shape[0], tokenEmbeddings.shape[1])
        precondition(attentionMask.count == batch * tokens, "attention mask is not [\(batch), \(tokens)]")
        let pooled = configuration.modes.map { mode -> Variable in
            if mode == .max { return Self.maximum(tokenEmbeddings, attentionMask: attentionMask) }
            let weights = Variable(Self.weights(mode, attentionMask: attentionMask, batch: batch, tokens: tokens))  // [batch, 1, tokens]
            let width = tokenEmbeddings.shape[2]
            return Variable.matmul(weights, tokenEmbeddings).reshaped([batch, width])  // [batch, width]
        }
        return pooled.count == 1 ? pooled[0] : Variable.concatenate(pooled, alongAxis: 1)  // [batch, width · modes]
    }

    /// The token weights `[batch, 1, tokens]` of a weighted-sum mode.
    static func weights(_ mode: PoolingMode, attentionMask: [Int], batch: Int, tokens: Int) -> Tensor {
        Tensor(shape: [batch, 1, tokens]) { buffer in
            buffer.initialize(repeating: 0)
            for row in 0..<batch {
                let mask = attentionMask[(row * tokens)..<((row + 1) * tokens)].map { Float($0 != 0 ? 1 : 0) }
                let weights = buffer.baseAddress! + row * tokens
                let count = mask.reduce(0, +)
                let firstReal = mask.firstIndex(of: 1) ?? 0
                switch mode {
                case .cls:
                    weights[firstReal] = 1
                case .lastToken:
                    if let last = mask.lastIndex(of: 1) { weights[last] = 1 }
                case .mean, .meanSquareRootLength:
                    let clamped = Swift.max(count, 1e-9)
                    let scale = 1 / (mode == .mean ? clamped : clamped.squareRoot())
                    for index in 0..<tokens { weights[index] = mask[index] * scale }
                case .weightedMean:
                    var total: Float = 0
                    for index in 0..<tokens {
                        weights[index] = mask[index] * Float(index + 1 - firstReal)
                        total += weights[index]
                    }
                    let scale = 1 / Swift.max(total, 1e-9)
                    for index in 0..<tokens { weights[index] *= scale }
                case .max:
                    preconditionFailure("max pooling is not a weighted sum")
                }
            }
        }
    }

    /// maxₜ over real tokens per dimension (−∞ for a row without real tokens), `[batch, width]`.
    static func maximum(_ tokenEmbeddings: Variable, attentionMask: [Int]) -> Variable {
        let (batch, tokens, width) = (tokenEmbeddings.shape[0], tokenEmbeddings.shape[1], tokenEmbeddings.shape[2])
        let source = tokenEmbeddings.value.pointer
        var chosen = [Int](repeating: -1, count: batch * width)  // token index of each maximum
        let result = Tensor(shape: [batch, width]) { output in
            output.initialize(repeating: -.infinity)
            for row in 0..<batch {
                for token in 0..<tokens where attentionMask[row * tokens + token] != 0 {
                    let embedding = source + (row * tokens + token) * width
                    for column in 0..<width where embedding[column] > output[row * width + column] {
                        output[row * width + column] = embedding[column]
                        chosen[row * width + column] = token
                    }
                }
            }
        }
        return Variable(result, operation: "masked max pooling", inputs: [tokenEmbeddings]) { gradient in
            var input = Tensor(zeros: [batch, tokens, width])
            input.withUnsafeMutableBufferPointer { buffer in
                for row in 0..<batch {
                    for column in 0..<width where chosen[row * width + column] >= 0 {
                        buffer[(row * tokens + chosen[row * width + column]) * width + column] += gradient.pointer[row * width + column]
                    }
                }
            }
            return [input]
        }
    }
}
