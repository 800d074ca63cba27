import NN

/// Choices the facade cannot read off a checkpoint.
public struct ModelOptions: Sendable, Equatable {
    /// The transformer MLP activation of a bare CLIP state dict. nil: QuickGELU for OpenAI's
    /// TorchScript `.pt` and for folders whose configuration says so, GELU otherwise (open_clip's
    /// own default for state dicts; its `-quickgelu` model names correspond to `.quickGELU`).
    public var activation: Activation?
    /// ConSE's T for `clipkit-default`.
    public var topCount: Int
    /// ConSE's label prompt for `clipkit-default`.
    public var labelTemplate: String

    public init(activation: Activation? = nil, topCount: Int = ConSEModel.defaultTopCount,
                labelTemplate: String = ConSEModel.defaultTemplate) {
        self.activation = activation
        self.topCount = topCount
        self.labelTemplate = labelTemplate
    }
}
