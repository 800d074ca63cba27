import Foundation

/// A language the ImageNet-1k zero-shot class names and prompt templates are installed in, and
/// where they are read from (the Python files are parsed as literals, never run):
///
/// | language | file | names | templates |
/// |---|---|---|---|
/// | `en` | open_clip `zero_shot_metadata.py` | `IMAGENET_CLASSNAMES` | `OPENAI_IMAGENET_TEMPLATES` (80), `SIMPLE_IMAGENET_TEMPLATES` |
/// | `zh` | cn_clip `eval/imagenet_zeroshot_templates.py` | `imagenet_classnames` | `openai_imagenet_template` (the 80, translated) |
///
/// The Chinese names and templates are those cn_clip's own zero-shot evaluation uses (Yang et al.
/// 2022, "Chinese CLIP: Contrastive Vision-Language Pretraining in Chinese"; translated from
/// Wukong's).
public enum ImageNetLanguage: String, CaseIterable, Sendable, Codable {
    case english = "en"
    case chinese = "zh"

    /// The installed file under `$CLIPKIT_HOME/packages`.
    public var installedLocation: URL {
        switch self {
        case .english: InstalledFiles.packages.appendingPathComponent("open_clip/zero_shot_metadata.py")
        case .chinese: InstalledFiles.packages.appendingPathComponent("cn_clip/eval/imagenet_zeroshot_templates.py")
        }
    }

    var classNamesVariable: String {
        switch self {
        case .english: "IMAGENET_CLASSNAMES"
        case .chinese: "imagenet_classnames"
        }
    }

    var templatesVariable: String {
        switch self {
        case .english: "OPENAI_IMAGENET_TEMPLATES"
        case .chinese: "openai_imagenet_template"
        }
    }

    var simpleTemplatesVariable: String? {
        switch self {
        case .english: "SIMPLE_IMAGENET_TEMPLATES"
        case .chinese: nil
        }
    }

    /// The language a user names with `en`, `english`, `zh`, `chinese` (any case), `zh-cn`, `zh-hans`.
    public init?(named name: String) {
        switch name.lowercased() {
        case "en", "english", "en-us", "en-gb": self = .english
        case "zh", "chinese", "zh-cn", "zh-hans", "cn": self = .chinese
        default: return nil
        }
    }
}
