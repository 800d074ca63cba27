import Foundation
import Testing

/// clip-retrieval's back-end API with the exact bodies its `ClipClient` posts (a JSON string with
/// every field, nulls included, and no Content-Type header).
@Suite(.serialized) struct ClipRetrievalTests {
    /// `ClipClient.__search_knn_api__`'s body for an index named `store`.
    func clientBody(text: String? = nil, image: String? = nil, imageURL: String? = nil, embedding: [Double]? = nil,
                    modality: String = "image", count: Int = 3) -> [String: Any] {
        func orNull(_ value: Any?) -> Any { value ?? NSNull() }
        return ["text": orNull(text), "image": orNull(image), "image_url": orNull(imageURL), "embedding_input": orNull(embedding),
         "deduplicate": true, "use_safety_model": true, "use_violence_detector": true, "indice_name": "store", "use_mclip": false,
         "aesthetic_score": 9, "aesthetic_weight": 0.5, "modality": modality, "num_images": count, "num_result_ids": count, "verbose": false]
    }

    @Test func indicesList() async throws {
        let server = try await ServerHarness.running()
        let reply = try await server.get("/indices-list")
        #expect(reply.status == 200)
        #expect(try reply.json() as? [String] == ["store"])
    }

    @Test func textQueryAsTheClientSendsIt() async throws {
        let server = try await ServerHarness.running()
        let reply = try await server.post("/knn-service", json: clientBody(text: "a cat"), contentType: nil)
        #expect(reply.status == 200, "\(reply.text)")
        let results = try reply.list()
        #expect(results.count == 3)
        let first = try #require(results.first)
        #expect(first["caption"] as? String == "chelsea.png")
        #expect((first["image_path"] as? String)?.hasSuffix("/photos/chelsea.png") == true)
        let direct = try await server.collection.search(text: "a cat", k: 3)
        #expect(results.compactMap { ($0["id"] as? NSNumber)?.int64Value } == direct.compactMap(\.id))
        #expect(zip(results, direct).allSatisfy { abs(Float($0["similarity"] as? Double ?? 0) - $1.score) < 1e-6 })
        #expect(first["url"] as? String == "/thumbnails/\(direct[0].id ?? 0)")
        // The thumbnail URL it gives is served.
        #expect(try await server.get(try #require(first["url"] as? String)).status == 200)
    }

    @Test func imageAndEmbeddingQueries() async throws {
        let server = try await ServerHarness.running()
        let rocket = try server.photo("rocket.jpg")
        let byImage = try await server.post("/knn-service", json: clientBody(image: rocket.base64EncodedString()), contentType: nil).list()
        #expect(byImage.first?["caption"] as? String == "rocket.jpg")
        #expect(abs((byImage.first?["similarity"] as? Double ?? 0) - 1) < 1e-4)
        let embedding = try await server.textEmbedding("a cat").map(Double.init)
        let byEmbedding = try await server.post("/knn-service", json: clientBody(embedding: embedding), contentType: nil).list()
        let byText = try await server.post("/knn-service", json: clientBody(text: "a cat"), contentType: nil).list()
        #expect(byEmbedding.compactMap { $0["caption"] as? String } == byText.compactMap { $0["caption"] as? String })
        // A file of the index may be named by path or file:// URL; nothing else is read or fetched.
        let path = server.photos.appendingPathComponent("rocket.jpg").path
        let byPath = try await server.post("/knn-service", json: clientBody(imageURL: path), contentType: nil)
        #expect(try byPath.status == 200 && (byPath.list().first?["caption"] as? String) == "rocket.jpg")
        let byFileURL = try await server.post("/knn-service", json: clientBody(imageURL: "file://" + path), contentType: nil)
        #expect(byFileURL.status == 200)
        let remote = try await server.post("/knn-service", json: clientBody(imageURL: "https://example.com/cat.jpg"), contentType: nil)
        #expect(try remote.status == 400 && remote.errorMessage().contains("not fetched"))
        let outside = try await server.post("/knn-service", json: clientBody(imageURL: "/etc/passwd"), contentType: nil)
        #expect(outside.status == 403)
        let traversal = try await server.post("/knn-service", json: clientBody(imageURL: server.photos.path + "/../store.db"), contentType: nil)
        #expect(traversal.status == 403)
    }

    @Test func refusalsAndCaptions() async throws {
        let server = try await ServerHarness.running()
        let two = try await server.post("/knn-service", json: clientBody(text: "a cat", image: "AAAA"), contentType: nil)
        #expect(try two.status == 400 && two.errorMessage().contains("exactly one"))
        let none = try await server.post("/knn-service", json: clientBody(), contentType: nil)
        #expect(none.status == 400)
        let wrongLength = try await server.post("/knn-service", json: clientBody(embedding: [1, 2, 3]), contentType: nil)
        #expect(try wrongLength.status == 400 && wrongLength.errorMessage().contains("3 components"))
        let unknown = try await server.post("/knn-service", json: clientBody(text: "a cat").merging(["indice_name": "laion5B"]) { $1 }, contentType: nil)
        #expect(unknown.status == 404)
        let tooMany = try await server.post("/knn-service", json: clientBody(text: "a cat", count: 100_000), contentType: nil)
        #expect(tooMany.status == 400)
        // The store holds no captions: modality text says so.
        let captions = try await server.post("/knn-service", json: clientBody(text: "a cat", modality: "text"), contentType: nil)
        #expect(try captions.status == 409 && captions.errorMessage().contains("no captions"))
    }

    @Test func metadataOfResultIDs() async throws {
        let server = try await ServerHarness.running()
        let hit = try #require(try await server.collection.search(text: "a rocket", k: 1).first)
        let id = try #require(hit.id)
        let reply = try await server.post("/metadata", json: ["ids": [id, 987654], "indice_name": "store"], contentType: nil)
        #expect(reply.status == 200)
        let entries = try reply.list()
        #expect(entries.count == 2)
        let metadata = try #require(entries[0]["metadata"] as? [String: String])
        #expect((entries[0]["id"] as? NSNumber)?.int64Value == id)
        #expect(metadata["caption"] == hit.key && metadata["image_path"] == hit.path && metadata["url"] == "/thumbnails/\(id)")
        #expect((entries[1]["metadata"] as? [String: String]) == [:])
        let malformed = try await server.post("/metadata", json: ["indice_name": "store"], contentType: nil)
        #expect(try malformed.status == 400 && malformed.errorMessage().contains("ids"))
    }
}
