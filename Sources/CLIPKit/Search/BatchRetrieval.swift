import Models
import Evaluation
import Foundation
import Retrieval
import Tensor

/// The ranked results of a whole query table, ready for `ResultFile`, and the queries skipped.
public struct BatchRetrievalResult: Sendable {
    public var results: [RankedResults]
    /// Image queries that could not be decoded (left out of `results`).
    public var unreadable: [UnreadableImage]
}

extension CollectionSearch {
    /// Embeds every query of `table` (texts for text→image, image files otherwise) in batches of
    /// `batchSize` and returns each query's top `k`, in table order. `progress(done, total)`
    /// follows the embedding, which is where the time goes.
    public func retrieve(_ table: QueryTable, direction: RetrievalDirection, k: Int, batchSize: Int = 64,
                         progress: ((Int, Int) -> Void)? = nil) throws -> BatchRetrievalResult {
        precondition(batchSize > 0, "batch size must be positive")
        let queries = table.queries
        guard !queries.isEmpty else { return BatchRetrievalResult(results: [], unreadable: []) }
        var embedded: [QueryTable.Query] = [], unreadable: [UnreadableImage] = []
        let embeddings: Tensor
        if direction == .textToImage {
            var parts: [Tensor] = []
            for start in stride(from: 0, to: queries.count, by: batchSize) {
                let batch = Array(queries[start..<min(start + batchSize, queries.count)])
                parts.append(try model.embed(texts: batch.map(\.value)))
                progress?(start + batch.count, queries.count)
            }
            embedded = queries
            embeddings = parts.count == 1 ? parts[0] : Tensor.concatenate(parts, alongAxis: 0)
        } else {
            let urls = queries.map { table.imageURL(of: $0) }
            let result = try model.embed(imageFiles: urls, batchSize: batchSize, progress: progress)
            let rows = Dictionary(result.embedded.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
            embedded = zip(queries, urls).filter { rows[$0.1] != nil }.map(\.0)
            unreadable = result.unreadable
            embeddings = result.embeddings
        }
        guard !embedded.isEmpty else { return BatchRetrievalResult(results: [], unreadable: unreadable) }
        let hits = try search(embeddings: embeddings, direction: direction, k: k)
        let results = zip(embedded, hits).map { query, hits in
            RankedResults(queryID: query.id, entries: hits.map { RankedResults.Entry(resultID: $0.key, score: $0.score) })
        }
        return BatchRetrievalResult(results: results, unreadable: unreadable)
    }
}
