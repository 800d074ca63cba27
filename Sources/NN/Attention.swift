import Autograd
import Tensor

/// Multi-head scaled dot-product attention (Vaswani et al. 2017, "Attention Is All You Need"),
/// self- or cross-attention:
///
///     Q = X·W_qᵀ + b_q,   K = C·W_kᵀ + b_k,   V = C·W_vᵀ + b_v        C = X for self-attention
///     headₕ = softmax(Q_h·K_hᵀ/√d + M)·V_h                             d = inner / heads
///     y = concat(head₁ … head_H)·W_oᵀ + b_o                            (W_o optional)
///
/// Queries come from `[batch, queries, width]`, keys and values from a context
/// `[batch, keys, contextWidth]` whose width may differ (diffusers' cross-attention with
/// `cross_attention_dim`). The checkpoint layout is data (`AttentionLayout`): PyTorch's packed
/// `in_proj_weight` or separate projections under any names, optional output projection and biases.
///
/// Self-attention with the packed layout runs `Tensor.packedSelfAttention` when no gradient is
/// recorded (and the mask, if any, is a shared `[tokens, tokens]` one), which reads the heads
/// straight out of the packed projection. A single query row per sequence (a pooled token)
/// projects only that row and splits its heads without a permutation.
public struct Attention: Module {
    public let heads: Int
    public let layout: AttentionLayout
    /// Width of the query input (and of the output, unless an output projection changes it).
    public let queryWidth: Int
    /// Width of the key/value source.
    public let contextWidth: Int
    /// heads · head width: the projected query, key and value width.
    public let innerWidth: Int
    @Key("in_proj_weight") public var packedWeight: Parameter?
    @Key("in_proj_bias") public var packedBias: Parameter?
    @Key("query") public var queryProjection: Linear?
    @Key("key") public var keyProjection: Linear?
    @Key("value") public var valueProjection: Linear?
    @Key("out_proj") public var outputProjection: Linear?

    /// - Parameters:
    ///   - width: the query width.
    ///   - contextWidth: the key/value source width (default `width`).
    ///   - innerWidth: heads · head width (default `width`).
    ///   - outputWidth: the output projection's width (default `width`).
    public init(width: Int, heads: Int, layout: AttentionLayout = .multiheadAttention, contextWidth: Int? = nil,
                innerWidth: Int? = nil, outputWidth: Int? = nil) {
        let contextWidth = contextWidth ?? width, innerWidth = innerWidth ?? width
        precondition(heads > 0 && innerWidth % heads == 0, "attention width \(innerWidth) is not divisible by \(heads) heads")
        self.heads = heads
        self.layout = layout
        queryWidth = width
        self.contextWidth = contextWidth
        self.innerWidth = innerWidth
        switch layout.projections {
        case let .packed(weightKey, biasKey):
            precondition(contextWidth == width && innerWidth == width,
                         "a packed input projection needs equal query (\(width)), context (\(contextWidth)) and attention (\(innerWidth)) widths")
            _packedWeight = Key(wrappedValue: Parameter(Tensor(zeros: [3 * innerWidth, width])), weightKey)
            _packedBias = Key(wrappedValue: layout.projectionBias ? Parameter(Tensor(zeros: [3 * innerWidth])) : nil, biasKey)
            queryProjection = nil
            keyProjection = nil
            valueProjection = nil
        case let .separate(queryKey, keyKey, valueKey):
            packedWeight = nil
            packedBias = nil
            _queryProjection = Key(wrappedValue: Linear(inFeatures: width, outFeatures: innerWidth, bias: layout.projectionBias), queryKey)
            _keyProjection = Key(wrappedValue: Linear(inFeatures: contextWidth, outFeatures: innerWidth, bias: layout.projectionBias), keyKey)
            _valueProjection = Key(wrappedValue: Linear(inFeatures: contextWidth, outFeatures: innerWidth, bias: layout.projectionBias),
                                   valueKey)
        }
        if let outputKey = layout.output {
            _outputProjection = Key(wrappedValue: Linear(inFeatures: innerWidth, outFeatures: outputWidth ?? width, bias: layout.outputBias),
                                    outputKey)
        } else {
            precondition(outputWidth == nil || outputWidth == innerWidth, "an output width needs an output projection")
            outputProjection = nil
        }
    }

    public var headWidth: Int { innerWidth / heads }

    /// `query` `[batch, queries, width]` attending over `context` `[batch, keys, contextWidth]`
    /// (itself when nil) → `[batch, queries, outputWidth]`. `mask` is additive, broadcastable to
    /// `[batch, heads, queries, keys]` (−∞ blocks a key): a causal `[tokens, tokens]` mask or a
    /// key-padding `[batch, 1, 1, keys]` mask.
    public func callAsFunction(_ query: Variable, context: Variable? = nil, mask: Tensor? = nil) -> Variable {
        precondition(query.shape.count == 3 && query.shape[2] == queryWidth,
                     "attention expects queries [batch, queries, \(queryWidth)], got \(query.shape)")
        if let context {
            precondition(context.shape.count == 3 && context.shape[0] == query.shape[0] && context.shape[2] == contextWidth,
                         "attention expects a context [\(query.shape[0]), keys, \(contextWidth)], got \(context.shape)")
        }
        let tokens = query.shape[1]
        if context == nil, let packedWeight, GradientMode.isDisabled, mask == nil || mask!.shape == [tokens, tokens] {
            let packed = packedWeight.inferenceLinear(query.value, bias: packedBias?.value)  // [batch, tokens, 3·inner]
            let merged = Tensor.packedSelfAttention(packed, heads: heads, mask: mask)  // [batch, tokens, inner]
            return projectOutput(Variable(merged))  // [batch, tokens, outputWidth]
        }
        let (queries, keys, values) = projections(query, context: context)  // [batch, heads, length, headWidth]
        let attended = Variable.scaledDotProductAttention(query: queries, key: keys, value: values, mask: mask)  // [batch, heads, queries, headWidth]
        return projectOutput(mergingHeads(attended))  // [batch, queries, outputWidth]
    }

    /// Queries `[batch, heads, queries, headWidth]`, keys and values `[batch, heads, keys, headWidth]`.
    private func projections(_ query: Variable, context: Variable?) -> (Variable, Variable, Variable) {
        if let packedWeight {
            let weight = packedWeight.variable, bias = packedBias?.variable
            let inner = innerWidth
            func stacked(_ input: Variable, parts: Int) -> [Variable] {
                let (batch, length) = (input.shape[0], input.shape[1])
                let start = (3 - parts) * inner
                let projected = Variable.linear(
                    input, weight: parts == 3 ? weight : weight.narrowed(alongAxis: 0, start: start, length: parts * inner),
                    bias: parts == 3 ? bias : bias?.narrowed(alongAxis: 0, start: start, length: parts * inner))  // [batch, length, parts·inner]
                let split = projected.reshaped([batch, length, parts, heads, headWidth]).permuted([2, 0, 3, 1, 4])  // [parts, batch, heads, length, headWidth]
                return split.split(sizes: Array(repeating: 1, count: parts), alongAxis: 0)
                    .map { $0.reshaped([batch, heads, length, headWidth]) }
            }
            guard let context else {
                let parts = stacked(query, parts: 3)
                return (parts[0], parts[1], parts[2])
            }
            let projectedQuery = Variable.linear(query, weight: weight.narrowed(alongAxis: 0, start: 0, length: inner),
                                                 bias: bias?.narrowed(alongAxis: 0, start: 0, length: inner))  // [batch, queries, inner]
            let keysAndValues = stacked(context, parts: 2)
            return (splittingHeads(projectedQuery), keysAndValues[0], keysAndValues[1])
        }
        let source = context ?? query
        return (splittingHeads(queryProjection!(query)), splittingHeads(keyProjection!(source)),
                splittingHeads(valueProjection!(source)))
    }

    /// `[batch, length, inner]` → `[batch, heads, length, headWidth]`.
    private func splittingHeads(_ projected: Variable) -> Variable {
        let (batch, length) = (projected.shape[0], projected.shape[1])
        if length == 1 { return projected.reshaped([batch, heads, 1, headWidth]) }
        return projected.reshaped([batch, length, heads, headWidth]).permuted([0, 2, 1, 3])
    }

    /// `[batch, heads, length, headWidth]` → `[batch, length, inner]`.
    private func mergingHeads(_ attended: Variable) -> Variable {
        let (batch, length) = (attended.shape[0], attended.shape[2])
        if length == 1 { return attended.reshaped([batch, 1, innerWidth]) }
        return attended.permuted([0, 2, 1, 3]).reshaped([batch, length, innerWidth])
    }

    private func projectOutput(_ merged: Variable) -> Variable {
        outputProjection.map { $0(merged) } ?? merged
    }
}

/// The keys and values of one more context for decoupled cross-attention, already projected to
/// the layer's inner width (`[batch, tokens, heads · head width]`), and the weight λ of its term.
public struct AdditionalKeysAndValues {
    public let keys: Variable
    public let values: Variable
    public let weight: Float

    public init(keys: Variable, values: Variable, weight: Float) {
        precondition(keys.shape.count == 3 && keys.shape == values.shape,
                     "additional keys \(keys.shape) and values \(values.shape) must be [batch, tokens, inner]")
        self.keys = keys
        self.values = values
        self.weight = weight
    }
}

extension Attention {
    /// Decoupled cross-attention (Ye et al. 2023, "IP-Adapter"; Eq. 19 of the image-prompt paper):
    /// the queries attend separately to the context and to each additional context, and the
    /// weighted results are summed before the output projection,
    ///
    ///     Z = Attn(Q, K, V) + Σᵢ λᵢ·Attn(Q, K′ᵢ, V′ᵢ),   y = Z·W_oᵀ + b_o
    ///
    /// (diffusers' `IPAdapterAttnProcessor`). With no additional context it is plain attention.
    /// Needs separate query/key/value projections. Without a tape, the heads are read in place
    /// and queries are processed in chunks (`Tensor.interleavedHeadAttention`), so long image-token
    /// sequences never materialise a full score matrix.
    public func callAsFunction(_ query: Variable, context: Variable?, additional: [AdditionalKeysAndValues]) -> Variable {
        guard let queryProjection, let keyProjection, let valueProjection else {
            preconditionFailure("decoupled cross-attention needs separate query, key and value projections")
        }
        precondition(query.shape.count == 3 && query.shape[2] == queryWidth,
                     "attention expects queries [batch, queries, \(queryWidth)], got \(query.shape)")
        if let context {
            precondition(context.shape.count == 3 && context.shape[0] == query.shape[0] && context.shape[2] == contextWidth,
                         "attention expects a context [\(query.shape[0]), keys, \(contextWidth)], got \(context.shape)")
        }
        for extra in additional {
            precondition(extra.keys.shape[0] == query.shape[0] && extra.keys.shape[2] == innerWidth,
                         "additional keys \(extra.keys.shape) do not fit [\(query.shape[0]), tokens, \(innerWidth)]")
        }
        let source = context ?? query
        let projectedQuery = queryProjection(query)  // [batch, queries, inner]
        let keys = keyProjection(source), values = valueProjection(source)  // [batch, keys, inner]
        if GradientMode.isDisabled {
            var merged = Tensor.interleavedHeadAttention(query: projectedQuery.value, key: keys.value, value: values.value,
                                                         heads: heads)  // [batch, queries, inner]
            for extra in additional where extra.weight != 0 {
                merged = Tensor.interleavedHeadAttention(query: projectedQuery.value, key: extra.keys.value, value: extra.values.value,
                                                         heads: heads, weight: extra.weight, accumulating: merged)
            }
            return projectOutput(Variable(merged))  // [batch, queries, outputWidth]
        }
        let splitQuery = splittingHeads(projectedQuery)  // [batch, heads, queries, headWidth]
        var merged = mergingHeads(Variable.scaledDotProductAttention(query: splitQuery, key: splittingHeads(keys),
                                                                      value: splittingHeads(values)))  // [batch, queries, inner]
        for extra in additional where extra.weight != 0 {
            let attended = Variable.scaledDotProductAttention(query: splitQuery, key: splittingHeads(extra.keys),
                                                              value: splittingHeads(extra.values))  // [batch, heads, queries, headWidth]
            merged = merged + mergingHeads(attended) * extra.weight
        }
        return projectOutput(merged)  // [batch, queries, outputWidth]
    }
}
