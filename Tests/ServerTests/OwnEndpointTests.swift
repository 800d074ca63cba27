import CLIPKit
import Foundation
import Imaging
import TestSupport
import Testing

/// Our own endpoints against the real model: text and image search, items, thumbnails, health,
/// indexing with a token, metrics, and concurrent queries equal serial ones.
@Suite(.serialized) struct OwnEndpointTests {
    @Test func healthAndReadiness() async throws {
        let server = try await ServerHarness.running()
        let health = try await server.get("/healthz")
        #expect(try health.status == 200 && (health.object()["status"] as? String) == "ok")
        let ready = try await server.get("/readyz")
        #expect(ready.status == 200)
        let index = try #require((try ready.object()["indexes"] as? [[String: Any]])?.first)
        #expect(index["name"] as? String == "store" && index["model"] as? String == "clipkit-default")
        #expect((index["embeddings"] as? Int ?? 0) >= ServerHarness.photos.count)
    }

    @Test func textSearchFindsTheCatWithTheFacadeScores() async throws {
        let server = try await ServerHarness.running()
        let reply = try await server.get("/search?q=a%20cat&k=3")
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"]?.hasPrefix("application/json") == true)
        let body = try reply.object()
        #expect(body["index"] as? String == "store" && body["query"] as? String == "a cat")
        let results = try #require(body["results"] as? [[String: Any]])
        #expect(results.count == 3)
        #expect(results.first?["key"] as? String == "chelsea.png")
        #expect(results.compactMap { $0["rank"] as? Int } == [1, 2, 3])
        let direct = try await server.collection.search(text: "a cat", k: 3)
        for (result, hit) in zip(results, direct) {
            #expect(result["key"] as? String == hit.key)
            #expect(abs(Float(result["score"] as? Double ?? 0) - hit.score) < 1e-6)
            #expect(result["thumbnail"] as? String == "/thumbnails/\(hit.id ?? 0)")
            #expect(result["path"] as? String == hit.path)
        }
        // min_score keeps only the results at or above it; sort=date keeps the same set.
        let threshold = direct[1].score
        let kept = try await server.get("/search?q=a%20cat&k=3&min_score=\(threshold)")
        #expect((try kept.object()["results"] as? [[String: Any]])?.count == 2)
        let dated = try await server.get("/search?q=a%20cat&k=3&sort=date")
        #expect(Set(((try dated.object()["results"] as? [[String: Any]]) ?? []).compactMap { $0["key"] as? String }) == Set(direct.map(\.key)))
    }

    @Test func badSearchParametersAreClearJSONErrors() async throws {
        let server = try await ServerHarness.running()
        for (path, status, words) in [("/search", 400, "?q="), ("/search?q=cat&k=0", 400, "k must be"), ("/search?q=cat&k=many", 400, "integer"),
                                      ("/search?q=cat&index=nope", 404, "no index named nope"), ("/search?q=cat&sort=size", 400, "sort"),
                                      ("/search?q=cat&min_score=high", 400, "min_score"), ("/no/such/endpoint", 404, "no such endpoint")] {
            let reply = try await server.get(path)
            #expect(reply.status == status, "\(path)")
            #expect(try reply.errorMessage().contains(words), "\(path): \(reply.text)")
        }
    }

    @Test func imageUploadFindsTheSamePhotoFirst() async throws {
        let server = try await ServerHarness.running()
        let rocket = try server.photo("rocket.jpg")
        let raw = try await server.send("POST", "/search?k=2", body: rocket, headers: ["Content-Type": "image/jpeg"])
        #expect(raw.status == 200)
        let first = try #require((try raw.object()["results"] as? [[String: Any]])?.first)
        #expect(first["key"] as? String == "rocket.jpg")
        #expect(abs((first["score"] as? Double ?? 0) - 1) < 1e-4)
        let form = ServerHarness.multipart(fields: [], files: [("image", "rocket.jpg", "image/jpeg", rocket)])
        let uploaded = try await server.send("POST", "/search?k=2", body: form.body, headers: ["Content-Type": form.contentType])
        #expect(uploaded.status == 200)
        #expect(((try uploaded.object()["results"] as? [[String: Any]])?.first?["key"] as? String) == "rocket.jpg")
        // Not an image: 422 naming the problem.
        let garbage = try await server.send("POST", "/search", body: Data("not an image".utf8), headers: ["Content-Type": "image/png"])
        #expect(garbage.status == 422)
        #expect(!(try garbage.errorMessage()).isEmpty)
        let empty = try await server.send("POST", "/search", body: Data(), headers: ["Content-Type": "image/png"])
        #expect(empty.status == 400)
    }

    @Test func itemsAndThumbnails() async throws {
        let server = try await ServerHarness.running()
        let hit = try #require(try await server.collection.search(text: "a cat", k: 1).first)
        let id = try #require(hit.id)
        let item = try await server.get("/items/\(id)")
        #expect(item.status == 200)
        let body = try item.object()
        #expect(body["key"] as? String == "chelsea.png" && body["path"] as? String == hit.path && body["embedded"] as? Bool == true)
        let thumbnail = try await server.get("/thumbnails/\(id)")
        #expect(thumbnail.status == 200 && thumbnail.headers["content-type"] == "image/png")
        let image = try ImageDecoder().decode(thumbnail.body)
        let original = try ImageDecoder().decode(contentsOf: URL(fileURLWithPath: try #require(hit.path)))
        #expect(max(image.width, image.height) == 256)
        #expect(abs(Double(image.width) / Double(image.height) - Double(original.width) / Double(original.height)) < 0.01)
        // Cached: the second answer is the same bytes.
        #expect(try await server.get("/thumbnails/\(id)").body == thumbnail.body)
        #expect(try await server.get("/items/987654").status == 404)
        #expect(try await server.get("/thumbnails/987654").status == 404)
        for bad in ["abc", "-3", "0", "..%2F..%2Fetc%2Fpasswd"] {
            let reply = try await server.get("/items/\(bad)")
            #expect(reply.status == 400, "\(bad)")
            #expect(try reply.errorMessage().contains("positive integer"))
            #expect(try await server.get("/thumbnails/\(bad)").status == 400)
        }
        #expect(try await server.get("/thumbnails/../../etc/passwd").status == 404)
    }

    @Test func indexingNeedsTheTokenAndIsSearchableAtOnce() async throws {
        let server = try await ServerHarness.running()
        let more = try TemporaryFolder()
        try FileManager.default.copyItem(at: server.photos.appendingPathComponent("coffee.png"), to: more.file("cup.png"))
        let request: [String: Any] = ["paths": [more.url.path]]
        let anonymous = try await server.post("/index", json: request)
        #expect(anonymous.status == 401)
        #expect(try anonymous.errorMessage().contains("bearer token"))
        let wrong = try await server.post("/index", json: request, headers: ["Authorization": "Bearer \(ServerHarness.token)x"])
        #expect(wrong.status == 401)
        let short = try await server.post("/index", json: request, headers: ["Authorization": "Bearer s3cret"])
        #expect(short.status == 401)
        let authorization = ["Authorization": "Bearer \(ServerHarness.token)"]
        let relative = try await server.post("/index", json: ["paths": ["photos"]], headers: authorization)
        #expect(relative.status == 400)
        let missing = try await server.post("/index", json: ["paths": [more.url.path + "/nothing-here"]], headers: authorization)
        #expect(missing.status == 404)
        let malformed = try await server.send("POST", "/index", body: Data("{\"paths\": [".utf8),
                                              headers: authorization.merging(["Content-Type": "application/json"]) { $1 })
        #expect(malformed.status == 400)
        #expect(try malformed.errorMessage().contains("JSON"))
        let wrongShape = try await server.post("/index", json: ["paths": more.url.path], headers: authorization)
        #expect(wrongShape.status == 400)
        #expect(try wrongShape.errorMessage().contains("paths"))

        let indexed = try await server.post("/index", json: request, headers: authorization)
        #expect(indexed.status == 200, "\(indexed.text)")
        #expect((try indexed.object()["embeddings"] as? Int) == ServerHarness.photos.count + 1)
        let keys = ((try await server.get("/search?q=a%20cup%20of%20coffee&k=2").object()["results"] as? [[String: Any]]) ?? [])
            .compactMap { $0["key"] as? String }
        #expect(Set(keys) == ["coffee.png", "cup.png"])

        // A server started without a token refuses every write.
        let closed = try await ServerHarness.start([server.collection], token: nil)
        let refused = try await server.send("POST", "/index", body: try JSONSerialization.data(withJSONObject: request),
                                            headers: authorization, port: closed)
        #expect(refused.status == 403)
        #expect(try refused.errorMessage().contains("--token-file"))
    }

    @Test func concurrentQueriesEqualSerialOnes() async throws {
        let server = try await ServerHarness.running()
        let queries = ["a cat", "a rocket", "a horse", "the moon", "a camera", "coffee", "an astronaut", "a motorcycle"]
        var serial: [String: String] = [:]
        for query in queries {
            serial[query] = try await server.get("/search?q=\(query.replacingOccurrences(of: " ", with: "%20"))&k=5").text
        }
        let concurrent = try await withThrowingTaskGroup(of: (String, String).self) { group in
            for query in queries + queries {
                group.addTask { (query, try await server.get("/search?q=\(query.replacingOccurrences(of: " ", with: "%20"))&k=5").text) }
            }
            return try await group.reduce(into: [(String, String)]()) { $0.append($1) }
        }
        #expect(concurrent.count == 16)
        for (query, text) in concurrent { #expect(text == serial[query], "\(query)") }
    }

    @Test func similarToAStoredItemLeavesItOut() async throws {
        let server = try await ServerHarness.running()
        let rocket = try #require(try await server.collection.search(text: "a rocket", k: 8).first { $0.key == "rocket.jpg" })
        let reply = try await server.get("/search?like=\(try #require(rocket.id))&k=3")
        #expect(reply.status == 200, "\(reply.text)")
        let results = try #require(try reply.object()["results"] as? [[String: Any]])
        let uploaded = try await server.collection.search(imageData: try server.photo("rocket.jpg"), k: 4)
        #expect(results.compactMap { $0["key"] as? String } == Array(uploaded.map(\.key).dropFirst().prefix(3)))
        #expect(results.compactMap { $0["rank"] as? Int } == [1, 2, 3])
        #expect(try await server.get("/search?like=987654").status == 404)
    }

    @Test func adaptiveCutoffMarksTheStrongResults() async throws {
        #expect(RelevanceCutoff.keptCount(scores: [0.62, 0.36, 0.33, 0.31, 0.30]) == 1)
        #expect(RelevanceCutoff.keptCount(scores: [0.5, 0.49, 0.48, 0.2, 0.19]) == 3)
        #expect(RelevanceCutoff.keptCount(scores: [0.5, 0.1]) == 2)
        #expect(RelevanceCutoff.keptCount(scores: [0.9, 0.6, 0.5, 0.1], window: 3) == 1)
        #expect(RelevanceCutoff.keptCount(scores: [0.9, 0.6, 0.5, 0.1]) == 3)
        let server = try await ServerHarness.running()
        let body = try await server.get("/search?q=a%20cat&k=8").object()
        let results = try #require(body["results"] as? [[String: Any]])
        let scores = results.compactMap { ($0["score"] as? Double).map(Float.init) }
        let kept = RelevanceCutoff.keptCount(scores: scores)
        #expect(body["kept"] as? Int == kept)
        #expect(results.compactMap { $0["relevant"] as? Bool } == (0..<results.count).map { $0 < kept })
        #expect(results.first?["relevant"] as? Bool == true)
    }

    @Test func theWebPageIsServed() async throws {
        let server = try await ServerHarness.running()
        let page = try await server.get("/")
        #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.text.contains("<title>CLIPKit search</title>") && page.text.contains("/search?"))
        #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
    }

    @Test func metricsCountRequestsAndStoreSize() async throws {
        let server = try await ServerHarness.running()
        _ = try await server.get("/search?q=a%20dog&k=1")
        let reply = try await server.get("/metrics")
        #expect(reply.status == 200 && reply.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(reply.text.contains("clipkit_http_requests_total{route=\"/search\",method=\"GET\",status=\"200\"}"))
        #expect(reply.text.contains("clipkit_http_request_duration_seconds_bucket{route=\"/search\""))
        #expect(reply.text.contains("clipkit_inference_batch_size_count{kind=\"text\"}"))
        #expect(reply.text.contains("clipkit_store_items{index=\"store\"}"))
        let lines = reply.text.split(separator: "\n").map(String.init)
        let resident: String = lines.first { $0.hasPrefix("process_resident_memory_bytes ") } ?? "none"
        let residentBytes: Double = Double(resident.split(separator: " ").last.map(String.init) ?? "") ?? 0
        #expect(residentBytes > 1_048_576, "\(resident)")
        #expect(reply.text.contains("clipkit_buffer_pool_bytes "))
    }
}
