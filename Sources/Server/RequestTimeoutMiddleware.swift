import Foundation
import Hummingbird

/// Bounds the time from a request's head to its response: past `timeout` the request's work is
/// cancelled and the client gets a JSON error: 408 when the body it announced had not all arrived
/// (a slow or stalled client; the connection is then closed), 503 when the server was still
/// computing. Inference already running finishes in the background and its result is dropped.
/// `POST /index` is exempt: indexing a folder takes as long as the folder needs.
///
/// Together with the connection idle timeout (`ServerConfiguration.idleTimeout`, which closes a
/// connection that sends nothing, e.g. one stuck in the middle of its headers) no client can hold
/// a connection or a handler forever.
struct RequestTimeoutMiddleware<Context: RequestContext>: RouterMiddleware {
    let timeout: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .post && request.uri.path == "/index" { return try await next(request, context) }
        var request = request
        let arrival = BodyArrival()
        if Self.announcesBody(request) {
            request.body = RequestBody(asyncSequence: TrackedBody(base: request.body, arrival: arrival))
        } else {
            arrival.markComplete()
        }
        // The child task runs `next`, which must not outlive this call: the group awaits it (it ends
        // promptly once cancelled: body reads and offloaded inference both stop waiting on cancellation).
        let timeout = self.timeout, pending = request
        let answered = try await withoutActuallyEscaping(next) { escapable in
            nonisolated(unsafe) let respond = escapable
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await respond(pending, context) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        }
        if let answered { return answered }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
        let limit = seconds.formatted(.number.precision(.fractionLength(0...3)))
        if arrival.isComplete {
            throw ServerError(.serviceUnavailable, "the server could not answer within the request timeout (\(limit) s); try again later")
        }
        throw ServerError(.requestTimeout, "the request body did not arrive within the request timeout (\(limit) s)")
    }

    /// Whether the request says a body follows (`Content-Length` above 0 or `Transfer-Encoding`).
    static func announcesBody(_ request: Request) -> Bool {
        if request.headers[.transferEncoding] != nil { return true }
        return Int(request.headers[.contentLength] ?? "0").map { $0 > 0 } ?? true
    }
}

/// Whether a request's body has been read to its end.
final class BodyArrival: @unchecked Sendable {
    private let lock = NSLock()
    private var complete = false

    var isComplete: Bool {
        lock.lock()
        defer { lock.unlock() }
        return complete
    }

    func markComplete() {
        lock.lock()
        complete = true
        lock.unlock()
    }
}

/// A request body that marks its `BodyArrival` complete when its last part has been read.
struct TrackedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let arrival: BodyArrival

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let arrival: BodyArrival

        mutating func next() async throws -> ByteBuffer? {
            let part = try await base.next()
            // A cancelled read also ends with nil; only an uncancelled end is the body's end.
            if part == nil, !Task.isCancelled { arrival.markComplete() }
            return part
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), arrival: arrival) }
}
