import Foundation
import Hummingbird

/// swift-http-types' field type, reached through the `HTTPFields` Hummingbird exports.
typealias HTTPField = HTTPFields.Element

/// Fuzz bytes read as one HTTP request, in HTTP/1.1's own text layout so seeds are real requests:
/// `METHOD TARGET` on the first line (a trailing ` HTTP/1.1` is ignored), then `Name: value`
/// header lines, a blank line, and the body (every remaining byte). Line ends are CRLF or LF.
/// Header lines that are not valid field names or values are dropped (a real server's parser
/// would refuse them before any route runs); `Content-Length` is set from the body.
struct HTTPFuzzRequest {
    var method: HTTPRequest.Method
    var target: String
    var headers: HTTPFields
    var body: [UInt8]

    /// Nil when the first line is not a method and an origin-form target (`/…`).
    init?(_ bytes: UnsafeRawBufferPointer) {
        let all = Array(bytes)
        var lines: [ArraySlice<UInt8>] = []
        var position = 0, bodyStart = all.count
        while position < all.count {
            let end = all[position...].firstIndex(of: UInt8(ascii: "\n")) ?? all.count
            var line = all[position..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            position = min(all.count, end + 1)
            if line.isEmpty && !lines.isEmpty { bodyStart = position; break }
            lines.append(line)
            if end == all.count { bodyStart = all.count }
        }
        guard let first = lines.first else { return nil }
        let words = first.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        guard words.count >= 2, let method = HTTPRequest.Method(String(decoding: words[0], as: UTF8.self)),
              words[1].first == UInt8(ascii: "/"), let target = String(bytes: words[1], encoding: .utf8) else { return nil }
        self.method = method
        self.target = target
        headers = HTTPFields()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
                  let name = HTTPField.Name(String(decoding: line[..<colon], as: UTF8.self)) else { continue }
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            guard HTTPField.isValidValue(value), name != .contentLength else { continue }
            headers.append(HTTPField(name: name, value: value))
        }
        body = Array(all[bodyStart...])
        if !body.isEmpty || method == .post { headers[.contentLength] = String(body.count) }
    }

    /// The Hummingbird request.
    var request: Request {
        Request(head: HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1", path: target, headerFields: headers),
                body: RequestBody(buffer: ByteBuffer(bytes: body)))
    }
}
