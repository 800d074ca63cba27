/// How a loss turns its elementwise terms into one scalar.
public enum LossReduction: String, Codable, Sendable, CaseIterable {
    /// The mean over every element (PyTorch's `reduction="mean"`).
    case mean
    /// The sum over every element (`reduction="sum"`).
    case sum
    /// The sum divided by the batch size, the first axis (`kl_div`'s `reduction="batchmean"`):
    /// a per-example sum over the other axes, averaged over examples.
    case batchMean = "batch_mean"
}
