import Foundation
import Hummingbird

/// A request the server refuses or could not serve, answered as JSON
/// `{"error": {"message": …, "type": …, "code": status}}` (the shape OpenAI's clients read), never
/// with a stack trace.
public struct ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.code) \(message)" }

    /// The error type name clients see: `invalid_request_error` for 4xx, `server_error` for 5xx.
    var type: String {
        switch status.code {
        case 401, 403: return "authentication_error"
        case 404: return "not_found_error"
        case 413: return "request_too_large"
        case 400..<500: return "invalid_request_error"
        default: return "server_error"
        }
    }

    static func badRequest(_ message: String) -> ServerError { ServerError(.badRequest, message) }
    static func notFound(_ message: String) -> ServerError { ServerError(.notFound, message) }
}
