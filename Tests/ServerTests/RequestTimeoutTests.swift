import CLIPKit
import Foundation
import Server
import TestSupport
import Testing

/// Request timeouts: a client that stalls in its body gets a JSON 408 and its connection closed,
/// one that stalls in its headers is disconnected by the idle timeout, and a request the server
/// cannot answer in time gets a JSON 503 (its queued work is dropped).
@Suite(.serialized) struct RequestTimeoutTests {
    /// A server on the suite's store whose requests may take 1 s and whose connections may idle 2 s.
    static func impatientServer(requestTimeout: Duration = .seconds(1), idleTimeout: Duration = .seconds(2),
                                batching: Bool = false) async throws -> (ServerHarness, Int) {
        let server = try await ServerHarness.running()
        // A batching collection of its own over the harness's batched store: a query this suite
        // leaves behind must not land in the shared batcher, whose model calls `TextBatchingTests` counts.
        let collection = try batching
            ? ServedCollection(storeURL: server.folder.file("batched.db"), decoder: .init(maximumPixelCount: ServerHarness.maximumPixels))
            : server.collection
        let port = try await ServerHarness.start([collection], token: nil) {
            $0.requestTimeout = requestTimeout
            $0.idleTimeout = idleTimeout
        }
        return (server, port)
    }

    @Test func aStalledBodyGetsA408AndTheConnectionClosed() async throws {
        // The idle timeout (which would close the connection without an answer) is far above the
        // request timeout, so a busy machine cannot make them race: the 408 is written by a task,
        // and on 2 cores the cooperative pool, shared with every other suite's work in this test
        // process, can wait a long time (a 5 s idle timeout lost that race once, a 30 s one under
        // the whole suite at load 9), while the idle timer runs on the event loop.
        let (_, port) = try await Self.impatientServer(idleTimeout: .seconds(300))
        let connection = try RawConnection(port: port)
        let start = Date()
        connection.send("POST /v1/embeddings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":")
        let (text, closed, closedAt) = await connection.waitUntilClosed(seconds: 320)
        let elapsed = closedAt.timeIntervalSince(start)
        #expect(text.hasPrefix("HTTP/1.1 408"), "\(text)")
        #expect(text.contains(#""code":408"#) && text.contains("did not arrive within the request timeout (1 s)"), "\(text)")
        #expect(closed, "the connection stays open")
        #expect(elapsed >= 0.9 && elapsed < 300, "\(elapsed) s")
    }

    @Test func aClientStalledInItsHeadersIsDisconnected() async throws {
        let (_, port) = try await Self.impatientServer()
        let connection = try RawConnection(port: port)
        let start = Date()
        connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")   // the blank line never comes
        let (text, closed, closedAt) = await connection.waitUntilClosed(seconds: 10)
        let elapsed = closedAt.timeIntervalSince(start)
        #expect(closed && text.isEmpty, "\(text)")
        #expect(elapsed >= 1.5 && elapsed < 6, "\(elapsed) s")
    }

    @Test func aRequestTheServerCannotAnswerInTimeGetsA503() async throws {
        // 1 ms is shorter than the text batcher's 3 ms window, so the query cannot be answered in time.
        let (server, port) = try await Self.impatientServer(requestTimeout: .milliseconds(1), batching: true)
        let reply = try await server.get("/search?q=a%20cat&k=3", port: port)
        #expect(reply.status == 503)
        #expect(try reply.errorMessage().contains("could not answer within the request timeout (0.001 s)"))
        // Requests that need no inference still finish in time, and the normal server is unaffected.
        let health = try await server.get("/healthz", port: port)
        #expect(health.status == 200 || health.status == 503)
        let normal = try await server.get("/search?q=a%20cat&k=3")
        #expect(normal.status == 200)
        #expect((try normal.object()["results"] as? [[String: Any]])?.first?["key"] as? String == "chelsea.png")
    }

    @Test func aKeepAliveConnectionServesSeveralRequestsWithinTheTimeouts() async throws {
        let (_, port) = try await Self.impatientServer()
        let connection = try RawConnection(port: port)
        connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let (text, closed, _) = await connection.waitUntilClosed(seconds: 10)
        #expect(text.components(separatedBy: "HTTP/1.1 200").count == 3, "\(text)")
        #expect(closed)   // by the idle timeout, after both answers
    }
}
