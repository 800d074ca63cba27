import Autograd
import NN

/// An image encoder that runs in two parts around its last `k` blocks,
///
///     encode(x).pooled = suffix_k(prefix_k(x))     prefix_k: input → the map entering the last k blocks
///                                                  suffix_k: the last k blocks, the head, global pooling
///
/// so that a tower locked except for its last blocks (locked-image tuning with the top of the
/// tower unlocked, as in Zhai et al. 2022, "LiT", §4's partially locked variants, and SA-CLIP's
/// locked ViT-B/32 loosened) computes the prefix once per image and trains only the suffix.
/// `suffixParameterPaths(blocks:)` names what the suffix holds, for `unfreeze(paths:)`.
public protocol SplitImageEncoder: ImageEncoder {
    /// How many trailing blocks a suffix can hold (every block).
    var splittableBlockCount: Int { get }
    /// `[batch, 3, height, width]` → the feature map entering the last `blocks` blocks
    /// `[batch, channels, h, w]`; with `blocks` 0, the map entering the head.
    func prefixFeatureMap(_ images: Variable, suffixBlocks blocks: Int) -> Variable
    /// That map `[batch, channels, h, w]` → pooled embeddings `[batch, embeddingWidth]` through the
    /// last `blocks` blocks and the head.
    func suffixPooled(_ map: Variable, suffixBlocks blocks: Int) -> Variable
    /// Module paths (relative to the encoder) of the parameters the suffix of `blocks` blocks uses.
    func suffixParameterPaths(blocks: Int) -> [String]
}
