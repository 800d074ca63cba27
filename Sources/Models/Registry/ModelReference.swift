import Foundation

/// What a user names a model with, in the spellings other tools use, resolved to where its
/// weights come from:
///
/// | written | means |
/// |---|---|
/// | `clipkit-default` (or `default`) | the embedded default model (`DefaultModel`) |
/// | `clipkit-default-multilingual` | the embedded multilingual model (`MultilingualDefaultModel`) |
/// | a path to a file or folder | a checkpoint (OpenAI `.pt`, OpenCLIP state dict, Chinese-CLIP `.pt`) or a Hugging Face / OpenCLIP folder |
/// | `ViT-B-32/openai`, `ViT-B-32::openai`, `open_clip:ViT-B-32/openai` | open_clip's pretrained tag, read from its hub repository |
/// | `hf-hub:ORG/NAME[@REV]`, `ORG/NAME[@REV]` | a hub repository pulled with `clipkit models pull` |
public enum ModelReference: Equatable, Sendable {
    case defaultModel
    case multilingualDefaultModel
    case file(URL)
    case folder(URL)
    case openCLIP(OpenCLIPPretrained, revision: String)
    case hub(HubRepository)

    /// Parses `text`; an existing path wins over every name.
    public init(parsing text: String) throws {
        if text == DefaultModel.name || text == "default" {
            self = .defaultModel
            return
        }
        if text == MultilingualDefaultModel.name {
            self = .multilingualDefaultModel
            return
        }
        let path = (text as NSString).expandingTildeInPath
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            let url = URL(fileURLWithPath: path, isDirectory: isDirectory.boolValue).standardizedFileURL
            self = isDirectory.boolValue ? .folder(url) : .file(url)
            return
        }
        if text.hasPrefix("hf-hub:") {
            self = .hub(try HubRepository(parsing: String(text.dropFirst("hf-hub:".count))))
            return
        }
        let name = text.hasPrefix("open_clip:") ? String(text.dropFirst("open_clip:".count)) : text
        let separator = name.contains("::") ? "::" : "/"
        let parts = name.components(separatedBy: separator)
        if parts.count == 2, OpenCLIPPretrained.isArchitecture(parts[0]) {
            let tagAndRevision = parts[1].split(separator: "@", maxSplits: 1).map(String.init)
            guard let pretrained = OpenCLIPPretrained.named(architecture: parts[0], tag: tagAndRevision[0]) else {
                let tags = OpenCLIPPretrained.tags.filter { $0.architecture.lowercased() == parts[0].lowercased() }.map(\.tag)
                throw ModelError.invalidOption(
                    "open_clip has no pretrained tag \(tagAndRevision[0]) for \(parts[0]) that CLIPKit loads; known: \(tags.joined(separator: ", "))")
            }
            self = .openCLIP(pretrained, revision: tagAndRevision.count == 2 ? tagAndRevision[1] : "main")
            return
        }
        if text.contains("/"), !text.hasPrefix("."), !text.hasPrefix("/"), !text.hasPrefix("~") {
            self = .hub(try HubRepository(parsing: text))
            return
        }
        throw ModelError.unknownModel(text, known: [])
    }

    /// The hub repository the weights come from, for references that name one.
    public var repository: HubRepository? {
        switch self {
        case let .hub(repository): repository
        case let .openCLIP(pretrained, revision): HubRepository(identifier: pretrained.repository, revision: revision)
        case .defaultModel, .multilingualDefaultModel, .file, .folder: nil
        }
    }
}
