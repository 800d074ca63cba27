import CLIPKit
import Foundation
import Hummingbird

/// `clipkit serve`: an HTTP service over one or more embedding stores, speaking our own search API,
/// OpenAI's embeddings API, clip-retrieval's back-end API and Immich's machine-learning API, built on
/// Hummingbird 2. Each store's model is loaded once, before the server listens; inference runs off
/// the event loop (`ServedCollection`). Errors are JSON (`ServerError`); `/metrics` is Prometheus text.
///
/// ```swift
/// let server = SearchServer(indexes: [try ServedCollection(storeURL: store)], configuration: ServerConfiguration())
/// try await server.run()
/// ```
public struct SearchServer: Sendable {
    let indexes: ServedIndexes
    let configuration: ServerConfiguration
    let metrics = ServerMetrics()

    public init(indexes: [ServedCollection], configuration: ServerConfiguration) {
        self.indexes = ServedIndexes(indexes)
        self.configuration = configuration
    }

    /// Serves until the task is cancelled (or, with `handlingSignals`, until SIGINT/SIGTERM), then
    /// finishes the requests in flight. `onListening` receives the bound port (useful with port 0).
    public func run(handlingSignals: Bool = false, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let application = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Self.nanoseconds(configuration.idleTimeout)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "clipkit"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) })
        if handlingSignals {
            try await application.runService()
        } else {
            try await application.run()
        }
    }

    /// Answers requests without a socket, through the same routes and middleware as `run`: for
    /// the HTTP fuzz target (`FuzzTarget.http`) and for embedding the API in another Hummingbird
    /// application.
    public func responder() -> RouterResponder<BasicRequestContext> { makeRouter().buildResponder() }

    /// Every route, behind the metrics, (optional) CORS, JSON-error and request-timeout middleware.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        if let origin = configuration.allowedOrigin {
            router.add(middleware: CORSMiddleware(allowOrigin: .custom(origin), allowHeaders: [.accept, .authorization, .contentType, .origin],
                                                  allowMethods: [.get, .post, .options]))
        }
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: RequestTimeoutMiddleware(timeout: configuration.requestTimeout))
        addOwnRoutes(to: router)
        addOpenAIRoutes(to: router)
        addClipRetrievalRoutes(to: router)
        addImmichRoutes(to: router)
        WebPage.add(to: router)
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition(indexes: indexes))))
        }
        return router
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// `k` (or another count) from a query or body: 1...maximumResults, `fallback` when absent.
    func resultCount(_ value: Int?, fallback: Int, name: String = "k") throws -> Int {
        let count = value ?? fallback
        guard (1...configuration.maximumResults).contains(count) else {
            throw ServerError.badRequest("\(name) must be between 1 and \(configuration.maximumResults)")
        }
        return count
    }
}
