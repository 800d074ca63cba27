import Foundation
import Models

/// Named sets of zero-shot prompt templates (`{}` marks the class name) for `ZeroShotClassifier`.
public enum ZeroShotTemplates {
    /// The single prompt ConSE's label embeddings use ("a photo of a {}.").
    public static let photo = [DefaultModel.labelTemplate]
    /// A small ensemble for product photos of garments, after CLIP's prompt ensembling (Radford et
    /// al. 2021, §3.1.4): the plain prompt, the photo's look (black and white, low resolution) and
    /// the domain ("a type of clothing").
    public static let clothing = [
        "a photo of a {}.", "a black and white photo of a {}.", "a low resolution photo of a {}.",
        "a photo of a {}, a type of clothing.",
    ]

    /// Names `templates(named:)` resolves.
    public static let names = ["photo", "clothing", "imagenet-simple", "imagenet-openai"]

    /// `photo`, `clothing`, or open_clip's ImageNet sets from the installed metadata
    /// (`imagenet-simple`: 2 templates, `imagenet-openai`: CLIP's 80). In Chinese (`language`
    /// `.chinese`, for Chinese-CLIP models) `photo` is "{}的照片。" and `imagenet-openai` cn_clip's
    /// translation of the 80, as cn_clip's own zero-shot evaluation uses them.
    public static func templates(named name: String, language: ImageNetLanguage = .english) throws -> [String] {
        switch (name, language) {
        case ("photo", .english): return photo
        case ("photo", .chinese): return [MultilingualDefaultModel.chineseLabelTemplate]
        case ("clothing", .english): return clothing
        case ("imagenet-simple", .english): return try ImageNetZeroShotMetadata.installed().simpleTemplates.map(\.description)
        case ("imagenet-openai", _): return try ImageNetZeroShotMetadata.installed(language: language).openAITemplates.map(\.description)
        case _ where names.contains(name):
            throw ModelError.invalidOption("the template set \(name) has no \(language.rawValue) version; in \(language.rawValue): photo, imagenet-openai")
        default:
            throw ModelError.invalidOption("unknown template set \(name); known: \(names.joined(separator: ", "))")
        }
    }
}
