import Foundation

/// ImageNet-1k's 1000 class names, in label order, and the CLIP prompt templates, read from
/// open_clip's `zero_shot_metadata.py` (the names of Radford et al. 2021's zero-shot evaluation,
/// "Learning Transferable Visual Models From Natural Language Supervision") or, in Chinese, from
/// cn_clip's `imagenet_zeroshot_templates.py` (see `ImageNetLanguage`). The file is parsed as
/// Python literals (`IMAGENET_CLASSNAMES = ("tench", …)`, `OPENAI_IMAGENET_TEMPLATES =
/// (lambda c: f'a bad photo of a {c}.', …)`); it is never executed.
public struct ImageNetZeroShotMetadata: Sendable, Equatable {
    /// The class names; index = ImageNet label.
    public let classNames: [String]
    /// OpenAI's 80 prompt templates (`OPENAI_IMAGENET_TEMPLATES`).
    public let openAITemplates: [PromptTemplate]
    /// The 7-template subset (`SIMPLE_IMAGENET_TEMPLATES`), empty when the file has none.
    public let simpleTemplates: [PromptTemplate]

    public static let classCount = 1000

    /// `packages/open_clip/zero_shot_metadata.py` under `$CLIPKIT_HOME` (default `~/.cache/clipkit`),
    /// where `scripts/setup.sh` unpacks open_clip_torch.
    public static var installedLocation: URL {
        InstalledFiles.packages.appendingPathComponent("open_clip/zero_shot_metadata.py")
    }

    /// Reads the installed file of `language` (`ImageNetLanguage.installedLocation`).
    public static func installed(language: ImageNetLanguage = .english) throws -> ImageNetZeroShotMetadata {
        try ImageNetZeroShotMetadata(contentsOf: language.installedLocation, language: language)
    }

    /// Reads a `zero_shot_metadata.py` (or, for `.chinese`, cn_clip's templates file); throws
    /// `.missingImageNetMetadata` when it is absent and names the file and line of anything it cannot read.
    public init(contentsOf url: URL, language: ImageNetLanguage = .english) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ModelError.missingImageNetMetadata(path: url.path)
        }
        let source = try String(contentsOf: url, encoding: .utf8)
        do {
            try self.init(source: source, language: language)
        } catch let error as ModelError {
            throw ModelError.inFile(path: url.path, error)
        }
    }

    /// Parses the source text of a `zero_shot_metadata.py` (or cn_clip's file for `.chinese`).
    public init(source: String, language: ImageNetLanguage = .english) throws {
        var tokenizer = PythonTokenizer(source)
        let tokens = try tokenizer.tokens()
        let classNames = try PythonSequenceLiteral(named: language.classNamesVariable, in: tokens).strings()
        guard classNames.count == Self.classCount else {
            throw ModelError.wrongCount(name: language.classNamesVariable, count: classNames.count, expected: Self.classCount)
        }
        self.classNames = classNames
        openAITemplates = try PythonSequenceLiteral(named: language.templatesVariable, in: tokens).templates()
        do {
            simpleTemplates = try language.simpleTemplatesVariable.map { try PythonSequenceLiteral(named: $0, in: tokens).templates() } ?? []
        } catch ModelError.missingAssignment {
            simpleTemplates = []
        }
    }

    /// Every OpenAI prompt for one class, in template order.
    public func prompts(forClass label: Int) -> [String] {
        openAITemplates.map { $0.filled(with: classNames[label]) }
    }
}
