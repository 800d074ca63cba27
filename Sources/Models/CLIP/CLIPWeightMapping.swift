import NN

/// The checkpoint layouts a `CLIP` loads, each a rule list written as data.
///
/// The model keeps OpenAI's names and its packed attention projection (`in_proj_weight` =
/// [W_q; W_k; W_v], one matrix product for all three), which OpenAI's and OpenCLIP's files store as
/// is. Hugging Face's `CLIPModel` splits that projection into `q_proj`/`k_proj`/`v_proj`, stores
/// the final projections as `Linear` weights (`[embedding, width]`, the transpose of OpenAI's
/// `x·P` matrices) and renames the rest; its mapping stacks, transposes and renames to match.
public enum CLIPWeightMapping {
    /// OpenAI's release (`.pt` TorchScript archives) and OpenCLIP's `state_dict`s (`.bin`, `.pt`,
    /// `.safetensors`), also as saved by OpenCLIP training (`state_dict.` and DataParallel's
    /// `module.` prefixes).
    public static let openCLIP = WeightMapping(
        renames: [
            KeyRule(#"^state_dict\."#, ""),
            KeyRule(#"^module\."#, ""),
        ],
        ignoredNames: [
            // Causal masks: OpenCLIP's `attn_mask` buffer, OpenAI's per-block `attn_mask` attribute
            // (either may be kept by TorchScript archives). The model builds its own.
            #"(^|\.)attn_mask$"#,
            // Scalars OpenAI's TorchScript archives carry beside the weights.
            #"^(input_resolution|context_length|vocab_size)$"#,
        ])

    /// Hugging Face `CLIPModel` (`model.safetensors` or `pytorch_model.bin`).
    public static let huggingFace = WeightMapping(
        merges: [
            TensorMergeRule(#"^(.+)\.self_attn\.(?<part>q|k|v)_proj\.(weight|bias)$"#, parts: ["q", "k", "v"],
                            result: "$1.self_attn.in_proj_$3"),
        ],
        transposes: [
            #"^visual_projection\.weight$"#,
            #"^text_projection\.weight$"#,
        ],
        renames: [
            // Vision tower.
            KeyRule(#"^vision_model\.embeddings\.patch_embedding\."#, "visual.conv1."),
            KeyRule(#"^vision_model\.embeddings\.class_embedding$"#, "visual.class_embedding"),
            KeyRule(#"^vision_model\.embeddings\.position_embedding\.weight$"#, "visual.positional_embedding"),
            KeyRule(#"^vision_model\.pre_layrnorm\."#, "visual.ln_pre."),
            KeyRule(#"^vision_model\.encoder\.layers\.(\d+)\."#, "visual.transformer.resblocks.$1."),
            KeyRule(#"^vision_model\.post_layernorm\."#, "visual.ln_post."),
            KeyRule(#"^visual_projection\.weight$"#, "visual.proj"),
            // Text tower.
            KeyRule(#"^text_model\.embeddings\.token_embedding\."#, "token_embedding."),
            KeyRule(#"^text_model\.embeddings\.position_embedding\.weight$"#, "positional_embedding"),
            KeyRule(#"^text_model\.encoder\.layers\.(\d+)\."#, "transformer.resblocks.$1."),
            KeyRule(#"^text_model\.final_layer_norm\."#, "ln_final."),
            KeyRule(#"^text_projection\.weight$"#, "text_projection"),
            // Inside every block.
            KeyRule(#"\.self_attn\.in_proj_(weight|bias)$"#, ".attn.in_proj_$1"),
            KeyRule(#"\.self_attn\.out_proj\."#, ".attn.out_proj."),
            KeyRule(#"\.layer_norm1\."#, ".ln_1."),
            KeyRule(#"\.layer_norm2\."#, ".ln_2."),
            KeyRule(#"\.mlp\.fc1\."#, ".mlp.c_fc."),
            KeyRule(#"\.mlp\.fc2\."#, ".mlp.c_proj."),
        ],
        ignoredNames: [
            // `position_ids` buffers, saved by transformers before 4.31.
            #"\.position_ids$"#,
        ])
}
