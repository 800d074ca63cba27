import Foundation
import Testing

/// `POST /v1/embeddings` with the request shapes OpenAI's clients send.
@Suite(.serialized) struct OpenAIEmbeddingsTests {
    func embeddings(_ reply: ServerHarness.Reply) throws -> [[Double]] {
        let data = try #require(try reply.object()["data"] as? [[String: Any]], "\(reply.text)")
        return try data.map { try #require($0["embedding"] as? [Double]) }
    }

    @Test func floatEmbeddingsOfTextsEqualTheModel() async throws {
        let server = try await ServerHarness.running()
        let reply = try await server.post("/v1/embeddings", json: ["model": "store", "input": "a cat", "encoding_format": "float"])
        #expect(reply.status == 200, "\(reply.text)")
        let body = try reply.object()
        #expect(body["object"] as? String == "list" && body["model"] as? String == "store")
        let item = try #require((body["data"] as? [[String: Any]])?.first)
        #expect(item["object"] as? String == "embedding" && item["index"] as? Int == 0)
        let vector = try #require(item["embedding"] as? [Double])
        let expected = try await server.textEmbedding("a cat")
        #expect(vector.count == server.collection.dimension)
        #expect(zip(vector, expected).allSatisfy { abs(Float($0) - $1) < 1e-6 })
        #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        let usage = try #require(body["usage"] as? [String: Any])
        #expect((usage["prompt_tokens"] as? Int ?? 0) > 2 && usage["prompt_tokens"] as? Int == usage["total_tokens"] as? Int)
        // The model may also be named by the model the index serves; the default format is float.
        let byModel = try await server.post("/v1/embeddings", json: ["model": "clipkit-default", "input": ["a cat"]])
        #expect(try embeddings(byModel) == [vector])
    }

    @Test func base64IsLittleEndianFloat32() async throws {
        let server = try await ServerHarness.running()
        let floats = try embeddings(try await server.post("/v1/embeddings", json: ["model": "store", "input": ["a dog", "a cat"]]))
        let reply = try await server.post("/v1/embeddings", json: ["model": "store", "input": ["a dog", "a cat"], "encoding_format": "base64"])
        let data = try #require(try reply.object()["data"] as? [[String: Any]])
        #expect(data.compactMap { $0["index"] as? Int } == [0, 1])
        for (item, expected) in zip(data, floats) {
            let text = try #require(item["embedding"] as? String)
            let bytes = try #require(Data(base64Encoded: text))
            let decoded = stride(from: 0, to: bytes.count, by: 4).map { offset in
                Float(bitPattern: bytes[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            }
            #expect(decoded.map(Double.init) == expected.map { Double(Float($0)) })
        }
    }

    @Test func imageItemsMixWithTextsInOrder() async throws {
        let server = try await ServerHarness.running()
        let chelsea = try server.photo("chelsea.png")
        let reply = try await server.post("/v1/embeddings", json: [
            "model": "store",
            "input": ["a cat", ["image": "data:image/png;base64," + chelsea.base64EncodedString()], ["image": chelsea.base64EncodedString()]],
        ])
        #expect(reply.status == 200, "\(reply.text)")
        let vectors = try embeddings(reply)
        #expect(vectors.count == 3)
        let stored = try await server.collection.search(imageData: chelsea, k: 1)
        #expect(stored.first?.key == "chelsea.png")
        #expect(vectors[1] == vectors[2])
        // The image's vector finds its own file at cosine 1 through the store.
        let hits = try await server.collection.search(vector: vectors[1].map(Float.init), direction: .imageToImage, k: 1)
        #expect(hits.first?.key == "chelsea.png" && abs((hits.first?.score ?? 0) - 1) < 1e-4)
        // Text and image vectors of a cat are closer than text and an unrelated photo's.
        let rocket = try embeddings(try await server.post("/v1/embeddings", json: ["model": "store", "input": [["image": try server.photo("rocket.jpg").base64EncodedString()]]]))[0]
        let dot = { (a: [Double], b: [Double]) in zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(dot(vectors[0], vectors[1]) > dot(vectors[0], rocket))
    }

    @Test func refusals() async throws {
        let server = try await ServerHarness.running()
        let cases: [(Any, Int, String)] = [
            (["model": "text-embedding-3-small", "input": "a cat"], 404, "no model text-embedding-3-small"),
            (["input": "a cat"], 400, "model"),
            (["model": "store", "input": [[1, 2, 3]]], 400, "token arrays"),
            (["model": "store", "input": []], 400, "empty"),
            (["model": "store", "input": ""], 400, "empty string"),
            (["model": "store", "input": "a cat", "encoding_format": "int8"], 400, "encoding_format"),
            (["model": "store", "input": "a cat", "dimensions": 7], 400, "dimensions"),
            (["model": "store", "input": [["image": "https://example.com/cat.jpg"]]], 400, "fetches no URLs"),
            (["model": "store", "input": [["image": "!!!!"]]], 400, "base64"),
        ]
        for (json, status, words) in cases {
            let reply = try await server.post("/v1/embeddings", json: json)
            #expect(reply.status == status, "\(json): \(reply.text)")
            #expect(try reply.errorMessage().contains(words), "\(json): \(reply.text)")
        }
        let malformed = try await server.send("POST", "/v1/embeddings", body: Data("{\"model\": \"store\", \"input\": ".utf8),
                                              headers: ["Content-Type": "application/json"])
        #expect(malformed.status == 400)
        let undecodable = try await server.post("/v1/embeddings", json: ["model": "store", "input": [["image": Data("no image".utf8).base64EncodedString()]]])
        #expect(undecodable.status == 422)
        let models = try await server.get("/v1/models")
        #expect(((try models.object()["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == ["store"])
    }
}
