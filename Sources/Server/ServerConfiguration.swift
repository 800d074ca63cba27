import Foundation

/// How `clipkit serve` listens and what it accepts. The defaults are the safe ones: loopback only,
/// no cross-origin access, bounded bodies, uploads and result counts, and no write endpoint
/// without a token.
public struct ServerConfiguration: Sendable {
    /// The address to listen on; `127.0.0.1` (loopback) unless the user opens it up.
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one (tests).
    public var port = 8080
    /// The bearer token write endpoints (`POST /index`) require; without one they are refused.
    public var token: String?
    /// The largest JSON body accepted, in bytes (base64 images in JSON count against it).
    public var maximumBodyBytes = 32 << 20
    /// The largest upload (raw image or multipart body), in bytes.
    public var maximumUploadBytes = 32 << 20
    /// The most results one query may ask for.
    public var maximumResults = 1000
    /// The most inputs one `/v1/embeddings` request may carry.
    public var maximumBatch = 256
    /// The longest a request may take from its head to its response (408 when its body was still
    /// arriving, 503 when the server was still computing; `RequestTimeoutMiddleware`). `POST /index`
    /// is exempt.
    public var requestTimeout: Duration = .seconds(30)
    /// A connection that sends nothing for this long is closed: idle keep-alive connections, and
    /// clients stalled in the middle of a request's headers or body.
    public var idleTimeout: Duration = .seconds(60)
    /// An origin allowed to call the API from a browser (CORS); nil sends no CORS headers.
    public var allowedOrigin: String?

    public init() {}
}
