/// Why a model could not be resolved, read, configured or run: the one error type of `Models`.
/// Every message says what is wrong and, where there is something to do, what to do about it.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    // Resolving a model reference (the registry, the hub cache, installed files).

    /// Neither a registered name, a pulled hub repository nor an existing path.
    case unknownModel(String, known: [String])
    /// A hub repository name that has not been downloaded.
    case notDownloaded(String)
    /// A directory without any model layout CLIPKit reads.
    case unrecognizedDirectory(String)
    /// Not a hub repository name (`ORG/NAME[@REVISION]`).
    case invalidRepository(String)
    /// A pretrained file that `scripts/setup.sh` installs is missing.
    case missingInstalledFile(path: String)

    // Reading a model's files.

    /// A model directory lacks its weights, configuration or vocabulary (none of `expected` is there).
    case missingFile(directory: String, expected: [String])
    /// A file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A configuration file is not valid JSON of the expected form, or asks for something unsupported.
    case invalidConfiguration(path: String, reason: String)
    /// A checkpoint's tensors do not tell the CLIP model's shape (`reason` names what is missing or odd).
    case cannotInferConfiguration(source: String, reason: String)
    /// A configuration asks for something these models do not implement.
    case unsupportedConfiguration(source: String, reason: String)
    /// A sentence-transformers pipeline holds a module this library does not implement.
    case unsupportedModule(path: String, type: String)

    // ImageNet's zero-shot metadata (open_clip's `zero_shot_metadata.py`, read without Python).

    /// The metadata file is not there.
    case missingImageNetMetadata(path: String)
    /// The file has no top-level `name = (…)` / `name = […]` assignment.
    case missingAssignment(name: String)
    /// The literal cannot be read without executing Python.
    case pythonSyntax(line: Int, message: String)
    /// The sequence holds another kind of element than expected.
    case unexpectedElements(name: String, expected: String)
    /// The sequence has the wrong length.
    case wrongCount(name: String, count: Int, expected: Int)
    /// A metadata error, with the file it happened in.
    indirect case inFile(path: String, ModelError)

    // Using a model.

    /// A text produced a token id beyond the checkpoint's vocabulary (a test-size checkpoint).
    case vocabularyTooSmall(vocabularySize: Int, tokenID: Int)
    /// Input of the wrong shape.
    case wrongInputShape(expected: String, got: [Int])
    /// An option value out of range.
    case invalidOption(String)
    /// The model returned rows that are not embeddings (`EmbeddingRowCheck`: NaN, infinite or zero)
    /// for `count` inputs, the first of them `examples`.
    case unusableEmbeddings(count: Int, of: Int, examples: [String], reason: String)

    public var description: String {
        switch self {
        case let .unknownModel(name, known):
            return """
                unknown model "\(name)": not a registered name, a downloaded hub repository or an existing file or folder. \
                Known models: \(known.joined(separator: ", ")). Give a checkpoint path (OpenAI .pt, OpenCLIP .bin/.safetensors, \
                a Hugging Face or OpenCLIP folder) or download one with `clipkit models pull ORG/NAME`.
                """
        case let .notDownloaded(repository):
            return "\(repository) is not downloaded: run `clipkit models pull \(repository)` first (`clipkit models list` shows what is local)"
        case let .unrecognizedDirectory(path):
            return """
                \(path) is not a model folder CLIPKit reads: expected a Hugging Face CLIP folder (config.json + model.safetensors \
                or pytorch_model.bin) or an OpenCLIP folder (open_clip_config.json + open_clip_model.safetensors or \
                open_clip_pytorch_model.bin)
                """
        case .invalidRepository(let text):
            return "\(text) is not a repository name: write ORG/NAME or ORG/NAME@REVISION (e.g. openai/clip-vit-base-patch32)"
        case .missingInstalledFile(let path):
            return "\(path) is missing: run `bash scripts/setup.sh` to install CLIPKit's pretrained files"
        case let .missingFile(directory, expected):
            return "\(directory) has none of \(expected.joined(separator: ", "))"
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .invalidConfiguration(path, reason):
            return "\(path) is not a usable configuration: \(reason)"
        case let .cannotInferConfiguration(source, reason):
            return "cannot infer a CLIP configuration from \(source): \(reason)"
        case let .unsupportedConfiguration(source, reason):
            return "\(source) describes a model CLIPKit does not support: \(reason)"
        case let .unsupportedModule(path, type):
            return "\(path): module type \(type) is not supported (Transformer, Pooling and Normalize are)"
        case .missingImageNetMetadata(let path):
            return "\(path) is missing: it ships with the PyPI package open_clip_torch "
                + "(`bash scripts/setup.sh` unpacks it into $CLIPKIT_HOME/packages)"
        case .missingAssignment(let name):
            return "no top-level assignment `\(name) = (…)` or `\(name) = […]`"
        case let .pythonSyntax(line, message):
            return "line \(line): \(message)"
        case let .unexpectedElements(name, expected):
            return "\(name) should hold only \(expected)"
        case let .wrongCount(name, count, expected):
            return "\(name) has \(count) entries, expected \(expected)"
        case let .inFile(path, error):
            return "\(path): \(error)"
        case let .vocabularyTooSmall(vocabularySize, tokenID):
            return "the model's text tower has a vocabulary of \(vocabularySize) tokens, but the text needs token id \(tokenID) of its tokenizer"
        case let .wrongInputShape(expected, got):
            return "images must be \(expected) after preprocessing, got \(got)"
        case let .invalidOption(message):
            return message
        case let .unusableEmbeddings(count, total, examples, reason):
            return "\(reason) for \(count) of \(total) inputs (" + examples.map { "\"\($0)\"" }.joined(separator: ", ")
                + (count > examples.count ? ", …" : "") + "); nothing was written: the model's weights may be damaged"
        }
    }
}
