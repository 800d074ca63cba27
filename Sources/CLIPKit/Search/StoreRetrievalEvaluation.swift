import Models
import Evaluation
import Retrieval

extension RetrievalEvaluation {
    /// Recall@K in both directions over everything `store` holds: its image embeddings, its
    /// caption embeddings and the caption→image links recorded when indexing (the ground truth).
    /// Captions without an indexed image and images without a caption are left out of the
    /// queries (they cannot be scored); the report's `queries` counts what was kept.
    public static func evaluate(store: any CollectionStore, ks: [Int] = RecallAtK.standardKs) throws -> RetrievalEvaluationReport {
        let images: EmbeddingMatrix = try store.embeddings(of: .items)
        let captions: EmbeddingMatrix = try store.embeddings(of: .captions)
        guard images.count > 0 else {
            throw CollectionSearchError.nothingToEvaluate(storePath: store.location, reason: "it holds no image embeddings")
        }
        guard captions.count > 0 else {
            throw CollectionSearchError.nothingToEvaluate(
                storePath: store.location,
                reason: "it holds no captions; evaluate a captioned dataset (CSV/TSV, COCO, Chinese-CLIP or class folders)")
        }
        let links = try store.groundTruth(images: images, captions: captions)
        guard links.imagesOfCaption.contains(where: { !$0.isEmpty }) else {
            throw CollectionSearchError.nothingToEvaluate(storePath: store.location,
                                                          reason: "no caption is linked to an indexed image (check the image paths)")
        }
        return try evaluate(images: images.vectors, texts: captions.vectors, imagesOfText: links.imagesOfCaption, ks: ks,
                            dropsUnlinkedQueries: true)
    }
}
