import CLIPKit
import Foundation
import Hummingbird
import Imaging
import Logging
import NIOEmbedded
import Retrieval
import Server

/// The server the `http` fuzz target's requests reach, without a socket: a store of two small
/// images indexed with `HTTPFuzzModel` (the default model's tokenizer, from `$CLIPKIT_HOME`, with
/// stand-in towers), served with
/// the fuzzing pixel limit, 1 MiB bodies and uploads, 4 inputs per embeddings request, 50 results
/// per query, no token (so `POST /index` is always
/// refused: fuzz bytes never choose files for the server to read) and no batching window.
/// Requests go through `SearchServer.responder()`, the same routes and middleware as a listening
/// server. Built once per process, on first use, in its own scratch folder (removed at exit).
final class HTTPFuzzServer: Sendable {
    /// What one request got back.
    struct Reply: Sendable {
        let status: Int
        let contentType: String?
        let body: [UInt8]
    }

    private let responder: RouterResponder<BasicRequestContext>
    private let channel: NIOAsyncTestingChannel
    let folder: FuzzScratchFile

    /// Built by a task, so that no thread blocks while the model loads and the photos are indexed
    /// (callers on the cooperative pool await it; blocking there can starve the indexing itself).
    private static let shared = Task { try await HTTPFuzzServer.make() }

    /// The process's server (built on first use), or why it could not be built.
    static func running() async throws -> HTTPFuzzServer { try await shared.value }

    private init(responder: RouterResponder<BasicRequestContext>, folder: FuzzScratchFile) {
        self.responder = responder
        self.folder = folder
        channel = NIOAsyncTestingChannel()
    }

    private static func make() async throws -> HTTPFuzzServer {
        let folder = try FuzzScratchFile()
        // The store and photos go when the process exits (libFuzzer and the test runner exit, they do not return).
        scratchToRemove = folder.folder.path
        atexit { if let path = HTTPFuzzServer.scratchToRemove { try? FileManager.default.removeItem(atPath: path) } }
        let photos = folder.folder.appendingPathComponent("photos", isDirectory: true)
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for (index, colour) in [(200, 40, 40), (30, 90, 220)].enumerated() {
            var samples: [UInt8] = []
            for pixel in 0..<(32 * 32) { samples += [UInt8(colour.0), UInt8(colour.1 ^ (pixel % 32)), UInt8(colour.2)] }
            try PNGEncoder.encode(samples, width: 32, height: 32, layout: .rgb)
                .write(to: photos.appendingPathComponent("photo\(index).png"))
        }
        let storeURL = folder.folder.appendingPathComponent("fuzz.db")
        let collection = try ServedCollection(store: try EmbeddingStore(path: storeURL), model: try HTTPFuzzModel.make(), name: "fuzz",
                                              decoder: ImageDecoder(maximumPixelCount: FuzzTarget.maximumPixelCount), batchWindow: .zero)
        _ = try await collection.index(locations: [photos])
        var configuration = ServerConfiguration()
        // Small per-request work, so each input stays cheap: at most 4 inputs per embeddings
        // request and 50 results per query (the limits themselves are part of what is fuzzed).
        configuration.maximumBatch = 4
        configuration.maximumResults = 50
        configuration.maximumBodyBytes = 1 << 20
        configuration.maximumUploadBytes = 1 << 20
        // Above libFuzzer's own 10 s limit (scripts/fuzz.sh), so a slow input shows as a timeout
        // there and as a slow input in the bounded tests, not as a 503 on a busy machine.
        configuration.requestTimeout = .seconds(60)
        return HTTPFuzzServer(responder: SearchServer(indexes: [collection], configuration: configuration).responder(), folder: folder)
    }

    /// The scratch folder `atexit` removes (set once, before the server exists).
    nonisolated(unsafe) private static var scratchToRemove: String?

    /// Answers `request` through the routes; the body is read whole.
    func respond(to request: Request) async throws -> Reply {
        let context = BasicRequestContext(source: .init(channel: channel, logger: Self.logger))
        let response = try await responder.respond(to: request, context: context)
        let collector = BodyCollector()
        try await response.body.write(collector)
        return Reply(status: response.status.code, contentType: response.headers[.contentType], body: collector.bytes)
    }

    /// Runs `work` to completion from synchronous code that is not on Swift's cooperative pool
    /// (libFuzzer's callback, the replay tool's main thread).
    static func waiting<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) throws -> Value {
        let box = ResultBox<Value>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    /// The routes log only failures (a 5xx, which is a finding): they go to standard error.
    private static let logger = Logger(label: "clipkit-fuzz-http")
}

/// A response body written into memory.
private final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    private(set) var bytes: [UInt8] = []
    func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytesView }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

private final class ResultBox<Value>: @unchecked Sendable {
    var result: Result<Value, any Error>?
}
