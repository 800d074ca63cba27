import Imaging

/// A named CLIP model as released: its configuration (including the activation its weights were
/// trained with) and the image preprocessing it expects. The names are OpenCLIP's
/// (`ViT-B-32`, `RN50`, …), with OpenAI's spelling (`ViT-B/32`) accepted by `named(_:)`.
public struct CLIPModelEntry: Codable, Sendable, Equatable {
    public var name: String
    public var configuration: CLIPConfiguration
    public var preprocessing: Preprocessing

    public init(name: String, configuration: CLIPConfiguration, preprocessing: Preprocessing) {
        self.name = name
        self.configuration = configuration
        self.preprocessing = preprocessing
    }

    /// OpenAI's ViT-B/32 (QuickGELU, 224 px, OpenAI mean/std, bicubic shortest-side resize + centre crop).
    public static let openAIViTB32 = Self(name: "ViT-B-32", configuration: .vitB32, preprocessing: .openAICLIP)
    /// OpenAI's ViT-B/16.
    public static let openAIViTB16 = Self(name: "ViT-B-16", configuration: .vitB16, preprocessing: .openAICLIP)
    /// OpenAI's ViT-L/14.
    public static let openAIViTL14 = Self(name: "ViT-L-14", configuration: .vitL14, preprocessing: .openAICLIP)
    /// OpenAI's ViT-L/14 fine-tuned at 336 px (preprocessing at 336 px).
    public static let openAIViTL14At336 = Self(name: "ViT-L-14-336", configuration: .vitL14At336,
                                              preprocessing: .openAICLIP(imageSize: 336))
    /// OpenAI's RN50.
    public static let openAIRN50 = Self(name: "RN50", configuration: .rn50, preprocessing: .openAICLIP)

    /// Every built-in entry.
    public static let all: [Self] = [openAIViTB32, openAIViTB16, openAIViTL14, openAIViTL14At336, openAIRN50]

    /// The entry called `name` (`"ViT-B-32"`, `"ViT-B/32"` or `"vit-b-32"`), if any.
    public static func named(_ name: String) -> Self? {
        func canonical(_ text: String) -> String {
            text.lowercased().replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: "@", with: "-")
                .replacingOccurrences(of: "px", with: "")
        }
        return all.first { canonical($0.name) == canonical(name) }
    }

}
