import CLIPKit
import Foundation
import Models
import Tensor
import TestSupport
import Testing

/// Dynamic batching of text queries: concurrent queries share model calls and get what
/// one-at-a-time calls give, through the facade and through `/search` and `/v1/embeddings`.
///
/// "What one-at-a-time calls give" means the same ranking and vectors equal to within 1e-6 (the
/// measured difference is ≤ 1.3e-7, a few float ulps): OpenBLAS rounds a product of a
/// [batch·tokens, width] matrix differently for different batch sizes (already for four texts of
/// one length), so bit identity is impossible once queries share a call. The suite's main server
/// does not batch and its replies stay bit-identical (`OwnEndpointTests`).
@Suite(.serialized) struct TextBatchingTests {
    static let texts = ["a cat", "a rocket in the sky", "a horse", "the moon", "an old camera", "a cup of coffee", "an astronaut",
                        "a red motorcycle", "a grey cat sitting on a chair", "grass", "写真", "🚀", "a", "the surface of the moon at night",
                        "a black and white photo of a man with a camera on a tripod", "coffee"]
    static let tolerance: Float = 1e-6

    static func largestDifference(_ first: [Float], _ second: [Float]) -> Float {
        guard first.count == second.count else { return .infinity }
        return zip(first, second).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func concurrentTextsShareModelCallsAndEqualSerialOnes() async throws {
        let server = try await ServerHarness.running()
        let model = server.collection.model
        let serial = try Self.texts.map { try model.embed(texts: [$0]).scalars }
        let batcher = TextEmbeddingBatcher(model: model, window: .milliseconds(50), maximumBatch: 8)
        let batched = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (position, text) in Self.texts.enumerated() {
                group.addTask { (position, try await batcher.embeddings(ofTexts: [text]).scalars) }
            }
            return try await group.reduce(into: [Int: [Float]]()) { $0[$1.0] = $1.1 }
        }
        for (position, text) in Self.texts.enumerated() {
            #expect(Self.largestDifference(batched[position] ?? [], serial[position]) <= Self.tolerance, "\(text)")
        }
        let statistics = batcher.statistics
        #expect(statistics.texts == Self.texts.count)
        #expect(statistics.modelCalls >= 2 && statistics.modelCalls < Self.texts.count, "\(statistics)")   // batches of at most 8
        // A request with several texts keeps its rows together and in order.
        let many = try await batcher.embeddings(ofTexts: Array(Self.texts.prefix(3)))
        #expect(many.shape == [3, model.identity.dimension])
        #expect(Self.largestDifference(many.scalars, Array(serial.prefix(3).joined())) <= Self.tolerance)
    }

    @Test func batchedSearchesEqualOneAtATimeOnes() async throws {
        let server = try await ServerHarness.running()
        let model = server.collection.model
        let search = try CollectionSearch(store: server.collection.store, model: model)
        let sizes = [5, 3]   // searches of one batch with different k are scored apart
        func serial(_ position: Int) throws -> [SearchHit] {
            try search.search(embeddings: try model.embed(texts: [Self.texts[position]]), direction: .textToImage,
                              k: sizes[position % 2])[0]
        }
        let batcher = TextEmbeddingBatcher(model: model, window: .milliseconds(50), maximumBatch: 8)
        let batched = try await withThrowingTaskGroup(of: (Int, [SearchHit]).self) { group in
            for position in Self.texts.indices {
                group.addTask { (position, try await batcher.search(text: Self.texts[position], k: sizes[position % 2], in: search)) }
            }
            return try await group.reduce(into: [Int: [SearchHit]]()) { $0[$1.0] = $1.1 }
        }
        for position in Self.texts.indices {
            let expected = try serial(position), got = batched[position] ?? []
            #expect(got.count == sizes[position % 2], "\(Self.texts[position])")
            #expect(got.map(\.id) == expected.map(\.id) && got.map(\.rank) == expected.map(\.rank) && got.map(\.path) == expected.map(\.path),
                    "\(Self.texts[position])")
            #expect(Self.largestDifference(got.map(\.score), expected.map(\.score)) <= Self.tolerance, "\(Self.texts[position])")
        }
        let statistics = batcher.statistics
        #expect(statistics.texts == Self.texts.count)
        #expect(statistics.modelCalls >= 2 && statistics.modelCalls < Self.texts.count, "\(statistics)")
        // Without batching, a search is embedded and scored alone: bit-identical to the facade.
        let alone = TextEmbeddingBatcher(model: model, window: .zero, maximumBatch: 32)
        #expect(try await alone.search(text: Self.texts[1], k: 3, in: search) == (try serial(1)))
        #expect(alone.statistics.modelCalls == 1)
    }

    @Test func batchingOffEmbedsEachCallAlone() async throws {
        let server = try await ServerHarness.running()
        let batcher = TextEmbeddingBatcher(model: server.collection.model, window: .zero, maximumBatch: 32)
        #expect(!batcher.isBatching)
        async let first = batcher.embeddings(ofTexts: ["a cat"])
        async let second = batcher.embeddings(ofTexts: ["a horse"])
        let (cat, horse) = try await (first, second)
        #expect(cat.scalars == (try server.collection.model.embed(texts: ["a cat"]).scalars))   // bit-identical when alone
        #expect(horse.shape == [1, server.collection.dimension])
        #expect(batcher.statistics.modelCalls == 2)
    }

    @Test func cancelledQueriesLeaveTheBatchAtOnce() async throws {
        let server = try await ServerHarness.running()
        // A window far longer than any wait a busy test process can cause (the cooperative pool is
        // shared with every other suite's work; a 2 s window once saw the cancellation take 18 s):
        // the query can only end before it if the cancellation took it out of the batch, and then
        // the model is never called.
        let window = Duration.seconds(600)
        let batcher = TextEmbeddingBatcher(model: server.collection.model, window: window, maximumBatch: 32)
        let waiting = Task { try await batcher.embeddings(ofTexts: ["a cat"]) }
        try await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        #expect(ContinuousClock.now - start < window / 2)
        #expect(batcher.statistics.modelCalls == 0)
    }

    @Test func concurrentSearchesAndEmbeddingRequestsEqualSerialOnes() async throws {
        let server = try await ServerHarness.running()
        let port = server.batchingPort
        let batcher = server.batchingCollection.textBatcher
        func search(_ text: String) async throws -> [[String: Any]] {
            let reply = try await server.get("/search?q=\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text)&k=5", port: port)
            #expect(reply.status == 200)
            return try #require(try reply.object()["results"] as? [[String: Any]])
        }
        func embed(_ text: String) async throws -> [Float] {
            let body = try JSONSerialization.data(withJSONObject: ["model": "batched", "input": text])
            let reply = try await server.send("POST", "/v1/embeddings", body: body, headers: ["Content-Type": "application/json"], port: port)
            let data = try #require(try reply.object()["data"] as? [[String: Any]])
            return try #require(data.first?["embedding"] as? [Double]).map(Float.init)
        }
        let callsBefore = batcher.statistics.modelCalls
        var serialSearches: [String: [[String: Any]]] = [:], serialEmbeddings: [String: [Float]] = [:]
        for text in Self.texts {
            serialSearches[text] = try await search(text)
            serialEmbeddings[text] = try await embed(text)
        }
        let serialCalls = batcher.statistics.modelCalls - callsBefore
        #expect(serialCalls == 2 * Self.texts.count)   // alone, each request is its own model call
        let concurrent = try await withThrowingTaskGroup(of: (String, [[String: Any]]?, [Float]?).self) { group in
            for text in Self.texts {
                group.addTask { (text, try await search(text), nil) }
                group.addTask { (text, nil, try await embed(text)) }
            }
            var replies: [(String, [[String: Any]]?, [Float]?)] = []
            for try await reply in group { replies.append(reply) }
            return replies
        }
        #expect(concurrent.count == 2 * Self.texts.count)
        for (text, results, embedding) in concurrent {
            if let embedding {
                #expect(Self.largestDifference(embedding, serialEmbeddings[text] ?? []) <= Self.tolerance, "\(text)")
            }
            if let results {
                let serial = serialSearches[text] ?? []
                #expect(results.compactMap { $0["id"] as? Int } == serial.compactMap { $0["id"] as? Int }, "\(text)")
                #expect(results.compactMap { $0["rank"] as? Int } == serial.compactMap { $0["rank"] as? Int }, "\(text)")
                let scores = results.compactMap { ($0["score"] as? Double).map(Float.init) }
                #expect(Self.largestDifference(scores, serial.compactMap { ($0["score"] as? Double).map(Float.init) }) <= Self.tolerance, "\(text)")
            }
        }
        let concurrentCalls = batcher.statistics.modelCalls - callsBefore - serialCalls
        #expect(concurrentCalls < 2 * Self.texts.count, "no two requests shared a model call")
        let metrics = try await server.get("/metrics", port: port).text
        #expect(metrics.contains("clipkit_text_model_calls{index=\"batched\"}") && metrics.contains("clipkit_text_model_inputs{index=\"batched\"}"))
    }
}
