import Autograd
import Checkpoint
import Foundation
import NN
import Tensor

/// IP-Adapter (Ye et al. 2023, "IP-Adapter: Text Compatible Image Prompt Adapter for Text-to-Image
/// Diffusion Models"; the seed paper's §3.3, Eqs. 14–19): a frozen text-to-image U-Net learns to
/// follow an image prompt through two additions,
///
///     c_i = LN(Linear(e_image))                          image projection (N tokens)
///     Z = Attn(Q, K, V) + λ·Attn(Q, c_i·W′_kᵀ, c_i·W′_vᵀ)  in every cross-attention layer
///
/// Parameters carry the names of the released files (`ip-adapter_sd15.bin` is a torch pickle
/// `{"image_proj": …, "ip_adapter": …}`; the `.safetensors` release flattens the same names):
/// `image_proj.proj`, `image_proj.norm` and `ip_adapter.<j>.to_k_ip` / `to_v_ip`, where `j` indexes
/// the U-Net's attention processors in diffusers' order — self- and cross-attention alternating
/// through the down, up and mid blocks — so only the odd slots (cross-attention) hold weights
/// (j = 2k + 1 for cross-attention layer k; 1, 3, …, 31 for Stable Diffusion 1.5).
///
/// Several reference images give several token groups, concatenated along the tokens (what
/// diffusers does with a list of images); `ImagePromptAggregation` offers the other ways of
/// combining them.
public struct IPAdapter: Module {
    @Key("image_proj") public var imageProjection: ImageProjection
    @Key("ip_adapter") public var attentionSlots: [IPAdapterAttentionLayer?]

    /// An adapter with zero weights for cross-attention layers of `layerWidths` (processor order).
    public init(imageEmbeddingWidth: Int, crossAttentionWidth: Int, layerWidths: [Int], tokens: Int = 4) {
        imageProjection = ImageProjection(imageEmbeddingWidth: imageEmbeddingWidth, crossAttentionWidth: crossAttentionWidth,
                                          tokens: tokens)
        attentionSlots = layerWidths.flatMap { width -> [IPAdapterAttentionLayer?] in
            [nil, IPAdapterAttentionLayer(crossAttentionWidth: crossAttentionWidth, width: width)]
        }
    }

    /// An adapter with zero weights for `unet`.
    public init(for unet: UNet2DConditionModel, imageEmbeddingWidth: Int, tokens: Int = 4) {
        self.init(imageEmbeddingWidth: imageEmbeddingWidth, crossAttentionWidth: unet.configuration.crossAttentionDimension,
                  layerWidths: unet.crossAttentionWidths, tokens: tokens)
    }

    /// The key/value projections of every cross-attention layer, in processor order.
    public var layers: [IPAdapterAttentionLayer] { attentionSlots.compactMap { $0 } }

    /// The image prompt for the U-Net from image embeddings `[batch, width]` (one image each) or
    /// `[batch, images, width]` (each image's tokens, concatenated: `[batch, images·N, crossWidth]`).
    public func conditioning(imageEmbeddings: Variable, scale: Float) -> ImagePromptConditioning {
        let shape = imageEmbeddings.shape
        precondition(shape.count == 2 || shape.count == 3, "image embeddings must be [batch, width] or [batch, images, width], got \(shape)")
        let batch = shape[0], images = shape.count == 3 ? shape[1] : 1
        let flat = imageEmbeddings.reshaped([batch * images, shape[shape.count - 1]])  // [batch·images, width]
        let tokens = imageProjection(flat)  // [batch·images, N, crossWidth]
            .reshaped([batch, images * imageProjection.tokens, imageProjection.crossAttentionWidth])  // [batch, images·N, crossWidth]
        return ImagePromptConditioning(tokens: tokens, scale: scale, layers: layers)
    }

    /// Loads an IP-Adapter file (the torch pickle `{"image_proj": …, "ip_adapter": …}` or its
    /// flattened `.safetensors`) for `unet`, strictly: the image embedding width and token count
    /// come from `image_proj.proj.weight`; every slot the U-Net's cross-attentions need must be
    /// present with the right shape and nothing else, or the error names each offending key.
    public static func load(contentsOf url: URL, for unet: UNet2DConditionModel) throws -> IPAdapter {
        let tensors = try CheckpointFormat.loadTensors(contentsOf: url)
        let crossWidth = unet.configuration.crossAttentionDimension
        guard let projection = tensors["image_proj.proj.weight"], projection.rank == 2 else {
            throw WeightLoadingError.mismatch(source: url.lastPathComponent, missing: ["image_proj.proj.weight"], unused: [],
                                              wrongShape: [])
        }
        guard projection.shape[0] % crossWidth == 0, projection.shape[0] > 0 else {
            throw WeightLoadingError.mismatch(
                source: url.lastPathComponent, missing: [], unused: [],
                wrongShape: ["image_proj.proj.weight: checkpoint \(projection.shape), model [tokens·\(crossWidth), width]"])
        }
        let adapter = IPAdapter(for: unet, imageEmbeddingWidth: projection.shape[1], tokens: projection.shape[0] / crossWidth)
        try adapter.loadWeights(tensors, source: url.lastPathComponent)
        return adapter
    }
}
