import Tensor

/// Whatever turns images and texts into embeddings of one shared space (a CLIP-family model).
///
/// The `Indexer` decodes and preprocesses images with `identity.preprocessing` and hands the
/// model ready batches; the model returns one row per input. Rows need not be normalised: the
/// indexer L2-normalises them when `IndexingOptions.normalizesEmbeddings` is set.
public protocol EmbeddingModel: Sendable {
    /// Name, checkpoint hash, dimension and preprocessing; stored beside the embeddings.
    var identity: ModelIdentity { get }

    /// Embeds preprocessed images `[batch, 3, size, size]` into `[batch, dimension]`.
    func embed(images: Tensor) throws -> Tensor

    /// Embeds texts into `[texts.count, dimension]`.
    func embed(texts: [String]) throws -> Tensor
}
