import Foundation
import Testing

/// Immich's machine-learning API with the multipart bodies its server posts.
@Suite(.serialized) struct ImmichTests {
    func clipVector(_ reply: ServerHarness.Reply) throws -> [Double] {
        let text = try #require(try reply.object()["clip"] as? String, "\(reply.text)")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Double])
    }

    @Test func pingAnswersPong() async throws {
        let server = try await ServerHarness.running()
        let reply = try await server.get("/ping")
        #expect(reply.status == 200 && reply.text == "pong")
    }

    @Test func textualAndVisualCLIP() async throws {
        let server = try await ServerHarness.running()
        let textual = ServerHarness.multipart(fields: [("entries", #"{"clip":{"textual":{"modelName":"ViT-B-32__openai","options":{"language":"en-US"}}}}"#),
                                                       ("text", "a cat")], files: [])
        let reply = try await server.send("POST", "/predict", body: textual.body, headers: ["Content-Type": textual.contentType])
        #expect(reply.status == 200, "\(reply.text)")
        let vector = try clipVector(reply)
        let expected = try await server.textEmbedding("a cat")
        #expect(vector.count == expected.count && zip(vector, expected).allSatisfy { abs(Float($0) - $1) < 1e-6 })

        let chelsea = try server.photo("chelsea.png")
        let visual = ServerHarness.multipart(fields: [("entries", #"{"clip":{"visual":{"modelName":"ViT-B-32__openai"}}}"#)],
                                             files: [("image", "blob", "application/octet-stream", chelsea)])
        let seen = try await server.send("POST", "/predict", body: visual.body, headers: ["Content-Type": visual.contentType])
        #expect(seen.status == 200, "\(seen.text)")
        let body = try seen.object()
        #expect(body["imageWidth"] as? Int == 451 && body["imageHeight"] as? Int == 300)
        let image = try clipVector(seen)
        let hits = try await server.collection.search(vector: image.map(Float.init), direction: .imageToImage, k: 1)
        #expect(hits.first?.key == "chelsea.png")
    }

    @Test func refusals() async throws {
        let server = try await ServerHarness.running()
        func predict(_ fields: [(String, String)], contentType: String? = nil) async throws -> ServerHarness.Reply {
            let form = ServerHarness.multipart(fields: fields, files: [])
            return try await server.send("POST", "/predict", body: form.body, headers: ["Content-Type": contentType ?? form.contentType])
        }
        let faces = try await predict([("entries", #"{"facial-recognition":{"detection":{"modelName":"buffalo_l","options":{"minScore":0.7}},"recognition":{"modelName":"buffalo_l"}}}"#)])
        #expect(try faces.status == 422 && faces.errorMessage().contains("facial-recognition"))
        let notJSON = try await predict([("entries", "clip please"), ("text", "a cat")])
        #expect(notJSON.status == 422)
        let noText = try await predict([("entries", #"{"clip":{"textual":{"modelName":"x"}}}"#)])
        #expect(try noText.status == 400 && noText.errorMessage().contains("text field"))
        let notMultipart = try await server.send("POST", "/predict", body: Data("text=a+cat".utf8),
                                                 headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(try notMultipart.status == 400 && notMultipart.errorMessage().contains("multipart"))
        let unclosed = Data("--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\na cat\r\n".utf8)
        let truncated = try await server.send("POST", "/predict", body: unclosed, headers: ["Content-Type": "multipart/form-data; boundary=b"])
        #expect(try truncated.status == 400 && truncated.errorMessage().contains("malformed multipart"))
    }
}
