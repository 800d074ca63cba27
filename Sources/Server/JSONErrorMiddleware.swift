import CLIPKit
import Datasets
import Foundation
import Hummingbird
import Imaging
import Models
import Retrieval

/// Turns every error a route throws into a `ServerError` answered as JSON: known errors keep their
/// meaning (bad JSON → 400, too large → 413, an undecodable upload → 422, no route → 404), anything
/// else is a 500 whose details go to the log, not to the client.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let refusal = Self.serverError(for: error)
            if refusal.status.code >= 500 { context.logger.error("\(request.method) \(request.uri.path) failed: \(error)") }
            return try JSONResponse.error(refusal)
        }
    }

    static func serverError(for error: any Error) -> ServerError {
        switch error {
        case let refusal as ServerError:
            return refusal
        case let error as DecodingError:
            return .badRequest("malformed JSON: \(describe(error))")
        case let error as ImageError:
            if case .tooManyPixels = error { return ServerError(.contentTooLarge, error.description) }
            return ServerError(.unprocessableContent, error.description)
        case let error as CollectionSearchError:
            switch error {
            case .noImages, .noCaptions: return ServerError(.conflict, error.description)
            default: return .badRequest(error.description)
            }
        case let error as HTTPResponseError:
            if error.status == .contentTooLarge { return ServerError(.contentTooLarge, "the request body is larger than the server accepts") }
            if error.status == .notFound { return .notFound("no such endpoint") }
            return ServerError(error.status, (error as? HTTPError)?.body ?? "\(error.status.reasonPhrase)")
        case is IndexingError, is DatasetError, is StoreError:
            return .badRequest(String(describing: error))
        default:
            return ServerError(.internalServerError, "internal error; the server log has the details")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return keys.isEmpty ? context.debugDescription : "\(keys): \(context.debugDescription)"
        }
        switch error {
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return path(context)
        case let .keyNotFound(key, context):
            return "missing field \((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))"
        @unknown default:
            return String(describing: error)
        }
    }
}
