import Foundation

/// An image sent inside JSON: plain base64 (clip-retrieval's `image`) or a `data:` URI
/// (`data:image/png;base64,…`, what browsers and OpenAI-style clients send).
enum EncodedImage {
    /// The image's bytes; a URL other than `data:` is refused (the server never fetches).
    static func bytes(_ text: String) throws -> Data {
        var payload = Substring(text)
        if payload.hasPrefix("data:") {
            guard let comma = payload.firstIndex(of: ","), payload[..<comma].hasSuffix(";base64") else {
                throw ServerError.badRequest("a data: URI image must be base64 (data:image/…;base64,…)")
            }
            payload = payload[payload.index(after: comma)...]
        } else if payload.hasPrefix("http://") || payload.hasPrefix("https://") || payload.hasPrefix("file:") {
            throw ServerError.badRequest("images are accepted as base64 or data: URIs only; this server fetches no URLs")
        }
        guard let data = Data(base64Encoded: String(payload), options: [.ignoreUnknownCharacters]), !data.isEmpty else {
            throw ServerError.badRequest("the image is not valid base64")
        }
        return data
    }
}
