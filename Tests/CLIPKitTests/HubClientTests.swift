import Checkpoint
import Models
import CLIPKit
import Foundation
import TestSupport
import Testing

/// Hub downloads against a loopback server that speaks the hub's listing and resolve API.
@Suite(.serialized) struct HubClientTests {
    let weights = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    let config = Data(#"{"model_type": "clip"}"#.utf8)

    func makeServer(weightsDigest: String? = nil) throws -> LoopbackHTTPServer {
        let digest = weightsDigest ?? { var hasher = SHA256(); hasher.update(weights); return hasher.hexDigest() }()
        let listing: [String: Any] = [
            "sha": "0123abcd",
            "siblings": [
                ["rfilename": "config.json", "size": config.count],
                ["rfilename": "model.safetensors", "size": 12, "lfs": ["sha256": digest, "size": weights.count]],
                ["rfilename": "pytorch_model.bin", "size": 5],
                ["rfilename": "../../escape.json"],
                ["rfilename": "README.md"],
            ],
        ]
        return try LoopbackHTTPServer(routes: [
            "/api/models/acme/tiny-clip/revision/main?blobs=true":
                .init(body: try JSONSerialization.data(withJSONObject: listing)),
            "/acme/tiny-clip/resolve/0123abcd/config.json": .init(body: config),
            "/acme/tiny-clip/resolve/0123abcd/model.safetensors": .init(body: weights),
        ])
    }

    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-hub-\(UUID().uuidString)", isDirectory: true)
    }

    @Test func pullsSelectedFilesHonouringHFEndpoint() throws {
        let server = try makeServer()
        let cache = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let client = HubClient(cacheDirectory: cache, environment: ["HF_ENDPOINT": server.baseURL.absoluteString, "HF_TOKEN": "secret"])
        let model = try client.pull(try HubRepository(parsing: "acme/tiny-clip"))
        #expect(model.commit == "0123abcd")
        #expect(model.files == ["config.json", "model.safetensors"])
        #expect(try Data(contentsOf: model.directory.appendingPathComponent("model.safetensors")) == weights)
        #expect(server.requests.allSatisfy { $0.authorization == "Bearer secret" })
        #expect(!server.requests.contains { $0.path.contains("escape") || $0.path.contains("pytorch_model") })
        #expect(client.localModels() == [model])
        // A second pull downloads nothing.
        let before = server.requests.count
        _ = try client.pull(try HubRepository(parsing: "acme/tiny-clip"))
        #expect(server.requests.count == before + 1)  // only the listing
    }

    @Test func resumesAnInterruptedDownloadWithARangeRequest() throws {
        let server = try makeServer()
        server.cutShortOnce("/acme/tiny-clip/resolve/0123abcd/model.safetensors", afterBytes: 100_000)
        let cache = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let client = HubClient(endpoint: server.baseURL, cacheDirectory: cache, environment: [:])
        let repository = try HubRepository(parsing: "acme/tiny-clip")
        #expect(throws: (any Error).self) { try client.pull(repository) }
        let model = try client.pull(repository)
        #expect(try Data(contentsOf: model.directory.appendingPathComponent("model.safetensors")) == weights)
        let ranges = server.requests.filter { $0.path.hasSuffix("model.safetensors") }.map(\.range)
        #expect(ranges.count == 2 && ranges[0] == nil)
        #expect(ranges[1].map { $0.hasPrefix("bytes=") && $0 != "bytes=0-" } == true)
    }

    @Test func refusesAFileWhoseChecksumDiffers() throws {
        let server = try makeServer(weightsDigest: String(repeating: "0", count: 64))
        let cache = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let client = HubClient(endpoint: server.baseURL, cacheDirectory: cache, environment: [:])
        do {
            try client.pull(try HubRepository(parsing: "acme/tiny-clip"))
            Issue.record("a corrupted download was accepted")
        } catch let error as HubError {
            guard case .checksumMismatch(let path, _, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path == "model.safetensors")
        }
        let snapshot = cache.appendingPathComponent("acme--tiny-clip/snapshots/0123abcd")
        #expect(!FileManager.default.fileExists(atPath: snapshot.appendingPathComponent("model.safetensors").path))
        #expect(!FileManager.default.fileExists(atPath: snapshot.appendingPathComponent("model.safetensors.incomplete").path))
    }

    @Test func explainsMissingRepositoriesAndBadNames() throws {
        let server = try makeServer()
        let client = HubClient(endpoint: server.baseURL, cacheDirectory: temporaryDirectory(), environment: [:])
        #expect(throws: HubError.http(url: "\(server.baseURL.absoluteString)/api/models/acme/missing/revision/main?blobs=true", status: 404)) {
            try client.pull(try HubRepository(parsing: "acme/missing"))
        }
        #expect(throws: ModelError.invalidRepository("not a name")) { try HubRepository(parsing: "not a name") }
        #expect(throws: ModelError.invalidRepository("../etc/passwd")) { try HubRepository(parsing: "../etc/passwd") }
        #expect(try HubRepository(parsing: "openai/clip-vit-base-patch32@v1.0").revision == "v1.0")
    }

    @Test func sha256KnownAnswers() {
        var empty = SHA256()
        empty.update([UInt8]())
        #expect(empty.hexDigest() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var abc = SHA256()
        abc.update(Array("abc".utf8))
        #expect(abc.hexDigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var long = SHA256()
        for _ in 0..<1000 { long.update([UInt8](repeating: 0x61, count: 1000)) }
        #expect(long.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
