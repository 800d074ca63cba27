import Foundation
import Hummingbird

/// Responses with a JSON body (`application/json; charset=utf-8`), and the request side: a JSON
/// body read up to a size limit and decoded whatever its content type (clip-retrieval's client
/// posts JSON without one).
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `value` encoded as JSON.
    static func make<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response {
        try make(data: encoder.encode(value), status: status)
    }

    /// Already-encoded JSON.
    static func make(data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The error body `{"error": {"message", "type", "code"}}`.
    static func error(_ refusal: ServerError) throws -> Response {
        struct Body: Encodable {
            struct Detail: Encodable { let message: String, type: String, code: Int }
            let error: Detail
        }
        return try make(Body(error: .init(message: refusal.message, type: refusal.type, code: refusal.status.code)), status: refusal.status)
    }

    /// The request body, at most `limit` bytes (413 beyond). A body whose `Content-Length`
    /// already announces more is refused before any of it is read, so the answer does not wait
    /// for a large upload to arrive.
    static func body(of request: Request, limit: Int) async throws -> Data {
        if let announced = request.headers[.contentLength].flatMap({ Int($0) }), announced > limit {
            throw ServerError(.contentTooLarge, "the request body is larger than the server accepts")
        }
        var buffer = try await request.body.collect(upTo: limit)
        return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    /// The request body decoded as `Value`; an empty or malformed body is a 400 that says why.
    static func decode<Value: Decodable>(_ type: Value.Type, from request: Request, limit: Int) async throws -> Value {
        let data = try await body(of: request, limit: limit)
        guard !data.isEmpty else { throw ServerError.badRequest("the request needs a JSON body") }
        guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
            throw ServerError.badRequest("the body is not valid JSON")
        }
        return try JSONDecoder().decode(Value.self, from: data)
    }
}
