/// One of open_clip's pretrained weights (Ilharco et al., OpenCLIP): an architecture name and a
/// tag, as users write them to open_clip (`create_model_and_transforms("ViT-B-32",
/// pretrained="openai")`) and to clip-retrieval or CLIP_benchmark (`ViT-B-32/openai`,
/// `ViT-B-32::openai`), with the hub repository the weights live in (an OpenCLIP folder:
/// `open_clip_config.json` + weights) and the activation they were trained with.
public struct OpenCLIPPretrained: Sendable, Equatable {
    public let architecture: String
    public let tag: String
    /// `ORG/NAME` on the Hugging Face hub.
    public let repository: String
    /// Trained with QuickGELU (OpenAI's weights and open_clip's `-quickgelu` runs).
    public let quickGELU: Bool

    /// The entry for `architecture` and `tag` (case-insensitive), if open_clip has one CLIPKit loads.
    public static func named(architecture: String, tag: String) -> OpenCLIPPretrained? {
        tags.first { $0.architecture.lowercased() == architecture.lowercased() && $0.tag.lowercased() == tag.lowercased() }
    }

    /// Whether `architecture` is one of open_clip's architecture names CLIPKit knows.
    public static func isArchitecture(_ architecture: String) -> Bool {
        tags.contains { $0.architecture.lowercased() == architecture.lowercased() }
    }
}
