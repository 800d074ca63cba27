/// Whether a forward pass trains or infers, for layers that behave differently in the two
/// (batch normalisation uses batch statistics and updates its running statistics in training;
/// dropout drops only in training), PyTorch's `module.train()` / `module.eval()`. Layers start
/// in `.inference`; `Module.setMode(_:)` switches a whole model.
public enum ForwardMode: String, Codable, Sendable {
    case training
    case inference
}
