import Foundation
@testable import Server
import TestSupport
import Testing

/// Limits and refusals: body and upload sizes, the decompression-bomb guard, CORS off unless
/// configured, the token comparison, and the multipart parser on malformed input.
@Suite(.serialized) struct ServerSecurityTests {
    @Test func bodiesAndUploadsOverTheLimitAre413() async throws {
        let server = try await ServerHarness.running()
        let big = Data(repeating: UInt8(ascii: "a"), count: ServerHarness.maximumBytes + 1)
        let upload = try await server.send("POST", "/search", body: big, headers: ["Content-Type": "image/png"])
        #expect(upload.status == 413)
        #expect(try upload.errorMessage().contains("larger than the server accepts"))
        let json = try await server.post("/v1/embeddings", json: ["model": "store", "input": String(repeating: "cat ", count: ServerHarness.maximumBytes / 4 + 1)])
        #expect(json.status == 413)
        let form = ServerHarness.multipart(fields: [("entries", #"{"clip":{"visual":{"modelName":"x"}}}"#)],
                                           files: [("image", "big.png", "image/png", big)])
        let immich = try await server.send("POST", "/predict", body: form.body, headers: ["Content-Type": form.contentType])
        #expect(immich.status == 413)
    }

    @Test func decompressionBombsAreRefusedBeforeDecoding() async throws {
        let server = try await ServerHarness.running()
        // 1100 × 1000 pixels in a few kilobytes: over the server's 1,000,000-pixel limit.
        let bomb = try TestImages.png(width: 1100, height: 1000, red: 200)
        #expect(bomb.count < 64 << 10)
        let reply = try await server.send("POST", "/search", body: bomb, headers: ["Content-Type": "image/png"])
        #expect(reply.status == 413)
        #expect(try reply.errorMessage().contains("decompression bomb"))
        let embedded = try await server.post("/v1/embeddings", json: ["model": "store", "input": [["image": bomb.base64EncodedString()]]])
        #expect(embedded.status == 413)
        let knn = try await server.post("/knn-service", json: ["image": bomb.base64EncodedString(), "indice_name": "store"], contentType: nil)
        #expect(knn.status == 413)
    }

    @Test func corsIsOffUnlessConfigured() async throws {
        let server = try await ServerHarness.running()
        let plain = try await server.send("GET", "/healthz", headers: ["Origin": "http://evil.example"])
        #expect(plain.status == 200 && plain.headers["access-control-allow-origin"] == nil)
        let open = try await ServerHarness.start([server.collection], token: nil, allowedOrigin: "http://localhost:3000")
        let allowed = try await server.send("GET", "/healthz", headers: ["Origin": "http://localhost:3000"], port: open)
        #expect(allowed.headers["access-control-allow-origin"] == "http://localhost:3000")
    }

    @Test func tokenComparisonIsExact() {
        let token = Array("s3cret".utf8)
        #expect(BearerToken.constantTimeEqual(token, token))
        #expect(!BearerToken.constantTimeEqual(Array("s3creT".utf8), token))
        #expect(!BearerToken.constantTimeEqual(Array("s3cre".utf8), token))
        #expect(!BearerToken.constantTimeEqual(Array("s3cret ".utf8), token))
        #expect(!BearerToken.constantTimeEqual([], token))
    }

    @Test func multipartParsing() throws {
        let body = Data("--XyZ\r\nContent-Disposition: form-data; name=\"entries\"\r\n\r\n{\"a\": 1}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a b.png\"\r\nContent-Type: image/png\r\n\r\n\u{1}\r\n\u{2}\r\n--XyZ--\r\n".utf8)
        let form = try MultipartForm(body: body, contentType: "multipart/form-data; boundary=\"XyZ\"")
        #expect(form.parts.map(\.name) == ["entries", "image"])
        #expect(form["entries"]?.text == "{\"a\": 1}")
        #expect(form["image"]?.fileName == "a b.png" && form["image"]?.contentType == "image/png")
        #expect(form["image"]?.content == Data([1, 13, 10, 2]))
        #expect(throws: ServerError.self) { try MultipartForm(body: body, contentType: "multipart/form-data") }
        #expect(throws: ServerError.self) { try MultipartForm(body: body, contentType: "application/json; boundary=XyZ") }
        #expect(throws: ServerError.self) { try MultipartForm(body: Data("--XyZ\r\nno headers here--XyZ--".utf8), contentType: "multipart/form-data; boundary=XyZ") }
        let unnamed = Data("--XyZ\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--".utf8)
        #expect(throws: ServerError.self) { try MultipartForm(body: unnamed, contentType: "multipart/form-data; boundary=XyZ") }
    }

    @Test func encodedImages() throws {
        #expect(try EncodedImage.bytes("data:image/png;base64,AQID") == Data([1, 2, 3]))
        #expect(try EncodedImage.bytes("AQID") == Data([1, 2, 3]))
        #expect(throws: ServerError.self) { try EncodedImage.bytes("http://example.com/a.png") }
        #expect(throws: ServerError.self) { try EncodedImage.bytes("file:///etc/passwd") }
        #expect(throws: ServerError.self) { try EncodedImage.bytes("data:image/png,rawbytes") }
        #expect(throws: ServerError.self) { try EncodedImage.bytes("") }
    }
}
