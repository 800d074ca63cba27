/// Why the facade could not give a model, each with what to do about it.
public enum ModelLoadingError: Error, Equatable, CustomStringConvertible {
    /// Neither a registered name, a pulled hub repository nor an existing path.
    case unknownModel(String, known: [String])
    /// A hub repository name that has not been downloaded.
    case notDownloaded(String)
    /// A directory without any model layout CLIPKit reads.
    case unrecognizedDirectory(String)
    /// Not a hub repository name (`ORG/NAME[@REVISION]`).
    case invalidRepository(String)
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
