/// How an attention layer's projections are named and shaped in checkpoints, as data (see
/// `Attention`): one packed input projection or three separate ones, an optional output
/// projection, optional biases.
public struct AttentionLayout: Sendable, Hashable {
    /// The query, key and value projections.
    public enum Projections: Sendable, Hashable {
        /// One stacked matrix [W_q; W_k; W_v] `[3·inner, width]` and bias `[3·inner]` under these
        /// keys (PyTorch `nn.MultiheadAttention`'s `in_proj_weight`, `in_proj_bias`). Needs equal
        /// query, context and attention widths.
        case packed(weight: String, bias: String)
        /// Three `Linear` layers under these keys (`query`/`key`/`value`, `q_proj`/`k_proj`/`v_proj`,
        /// `to_q`/`to_k`/`to_v`).
        case separate(query: String, key: String, value: String)
    }

    public var projections: Projections
    /// Whether the query, key and value projections have biases.
    public var projectionBias: Bool
    /// The key of the output `Linear` (W_o), or nil when the layer returns the concatenated heads
    /// (BERT keeps its output projection in the block's `attention.output.dense`).
    public var output: String?
    /// Whether the output projection has a bias.
    public var outputBias: Bool

    public init(projections: Projections, projectionBias: Bool = true, output: String?, outputBias: Bool = true) {
        self.projections = projections
        self.projectionBias = projectionBias
        self.output = output
        self.outputBias = outputBias
    }

    /// PyTorch `nn.MultiheadAttention`, as OpenAI's and OpenCLIP's transformer blocks store it:
    /// `in_proj_weight`, `in_proj_bias`, `out_proj.weight`, `out_proj.bias`.
    public static let multiheadAttention = AttentionLayout(projections: .packed(weight: "in_proj_weight", bias: "in_proj_bias"),
                                                           output: "out_proj")
    /// Hugging Face BERT's self-attention: `query`, `key`, `value`, no output projection.
    public static let bert = AttentionLayout(projections: .separate(query: "query", key: "key", value: "value"), output: nil)
    /// The attention pool of OpenAI's modified ResNet: `q_proj`, `k_proj`, `v_proj`, `c_proj`.
    public static let attentionPooling = AttentionLayout(projections: .separate(query: "q_proj", key: "k_proj", value: "v_proj"),
                                                         output: "c_proj")
    /// diffusers' `Attention` (self- or cross-attention in UNet blocks): bias-free `to_q`, `to_k`,
    /// `to_v` and `to_out.0` with a bias.
    public static let diffusers = AttentionLayout(projections: .separate(query: "to_q", key: "to_k", value: "to_v"),
                                                  projectionBias: false, output: "to_out.0")
}
