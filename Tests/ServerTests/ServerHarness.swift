import CLIPKit
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Models
import Retrieval
import Server
import TestSupport
import Testing

/// One server for the whole suite: scikit-image's sample photos indexed with the real
/// `clipkit-default` model into a store named `store`, served on an ephemeral loopback port with
/// a token, small limits (2 MiB bodies, 1,000,000-pixel images) and no CORS. Its text queries are
/// not batched, so every reply equals the facade's bit for bit; a second store `batched` over the
/// same photos, with the default batching (3 ms window, 32 texts), is served on `batchingPort`.
final class ServerHarness: @unchecked Sendable {
    static let photos = ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "horse.png", "moon.png",
                         "motorcycle_left.png", "rocket.jpg"]
    static let token = "s3cret-token-for-tests"
    static let maximumBytes = 2 << 20
    static let maximumPixels = 1_000_000

    let folder: TemporaryFolder
    let collection: ServedCollection
    let port: Int
    let batchingCollection: ServedCollection
    let batchingPort: Int
    var photos: URL { folder.file("photos") }

    private static let shared = Task { try await ServerHarness() }

    /// The suite's server, started on first use.
    static func running() async throws -> ServerHarness { try await shared.value }

    private init() async throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.file("photos"), withIntermediateDirectories: true)
        for name in Self.photos {
            try FileManager.default.copyItem(at: try TestPaths.installedPackageFile("skimage/data/" + name), to: folder.file("photos/" + name))
        }
        let storeURL = folder.file("store.db")
        _ = try EmbeddingStore(path: storeURL)   // an empty store: ServedCollection gives it the default model
        let collection = try ServedCollection(storeURL: storeURL, decoder: .init(maximumPixelCount: Self.maximumPixels), batchWindow: .zero)
        _ = try await collection.index(locations: [folder.file("photos")])
        let batchedURL = folder.file("batched.db")
        _ = try EmbeddingStore(path: batchedURL)
        let batchingCollection = try ServedCollection(storeURL: batchedURL, decoder: .init(maximumPixelCount: Self.maximumPixels))
        _ = try await batchingCollection.index(locations: [folder.file("photos")])
        self.folder = folder
        self.collection = collection
        self.batchingCollection = batchingCollection
        port = try await Self.start([collection], token: Self.token)
        batchingPort = try await Self.start([batchingCollection], token: nil)
    }

    /// Starts a server over `collections` on a free loopback port and returns the port.
    static func start(_ collections: [ServedCollection], token: String?, allowedOrigin: String? = nil,
                      adjust: (inout ServerConfiguration) -> Void = { _ in }) async throws -> Int {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.token = token
        configuration.maximumBodyBytes = maximumBytes
        configuration.maximumUploadBytes = maximumBytes
        configuration.allowedOrigin = allowedOrigin
        // The suites beside the server's can hold both cooperative threads of a 2-core machine for
        // longer than the default 30 s (a CI run answered a text query with 503 after 89 s); only
        // the timeout tests, which set their own through `adjust`, are about this limit.
        configuration.requestTimeout = .seconds(600)
        adjust(&configuration)
        let server = SearchServer(indexes: collections, configuration: configuration)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        Task { try await server.run { port in continuation.yield(port) } }
        for await port in ports { return port }
        throw CancellationError()
    }

    // MARK: Requests

    struct Reply {
        let status: Int
        let body: Data
        let headers: [String: String]
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        func object() throws -> [String: Any] { try #require(try json() as? [String: Any], "not a JSON object: \(text)") }
        func list() throws -> [[String: Any]] { try #require(try json() as? [[String: Any]], "not a JSON list of objects: \(text)") }
        /// The message of a JSON error body (and a check that the body is one).
        func errorMessage() throws -> String {
            let error = try #require(try object()["error"] as? [String: Any], "not a JSON error: \(text)")
            #expect(error["code"] as? Int == status)
            return try #require(error["message"] as? String)
        }
    }

    /// The client: URLSession's default 60 s request timeout is too short when a loaded 2-core
    /// machine runs the other suites beside the server (its own request timeout is what the
    /// timeout tests check, over raw connections).
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 600
        configuration.timeoutIntervalForResource = 1200
        return URLSession(configuration: configuration)
    }()

    func send(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:], port: Int? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port ?? self.port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, body: data, headers: fields)
    }

    func get(_ path: String, port: Int? = nil) async throws -> Reply { try await send("GET", path, port: port) }

    /// POSTs a JSON value; with `contentType` nil no Content-Type is sent (as Python's requests does for `data=str`).
    func post(_ path: String, json: Any, contentType: String? = "application/json", headers: [String: String] = [:]) async throws -> Reply {
        var all = headers
        if let contentType { all["Content-Type"] = contentType }
        return try await send("POST", path, body: try JSONSerialization.data(withJSONObject: json), headers: all)
    }

    /// A multipart/form-data body of text fields and files, as Python's requests and browsers write it.
    static func multipart(fields: [(String, String)], files: [(name: String, fileName: String, type: String, data: Data)],
                          boundary: String = "clipkit-boundary-7d91") -> (body: Data, contentType: String) {
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.fileName)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    func photo(_ name: String) throws -> Data { try Data(contentsOf: photos.appendingPathComponent(name)) }

    /// The served model's embedding of `text`, straight from the facade.
    func textEmbedding(_ text: String) async throws -> [Float] {
        try await collection.embeddings(ofTexts: [text]).scalars
    }
}
