import Foundation
import Hummingbird

/// The check write endpoints run: the request must carry `Authorization: Bearer <token>` with the
/// server's token, compared in time independent of where the first difference lies (every byte of
/// the longer of the two is visited), so response times do not reveal a prefix of the token.
enum BearerToken {
    /// Throws 401 (no or wrong token) or 403 (the server has no token, so writes are off).
    static func require(_ expected: String?, in request: Request) throws {
        guard let expected, !expected.isEmpty else {
            throw ServerError(.forbidden, "this server accepts no writes: start it with --token-file to enable them")
        }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        guard header.count > prefix.count, header.lowercased().hasPrefix(prefix.lowercased()),
              constantTimeEqual(Array(header.utf8.dropFirst(prefix.utf8.count)), Array(expected.utf8)) else {
            throw ServerError(.unauthorized, "missing or wrong bearer token (Authorization: Bearer <token>)")
        }
    }

    /// Byte equality whose running time depends only on the lengths.
    static func constantTimeEqual(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: given.count ^ expected.count)
        if given.count != expected.count { difference |= 1 }
        for position in 0..<max(given.count, expected.count) {
            let left = position < given.count ? given[position] : 0
            let right = position < expected.count ? expected[position] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
