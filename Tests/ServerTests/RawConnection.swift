#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A plain TCP connection to the test server, for clients URLSession cannot play: one that stops
/// in the middle of its headers or body and then waits. Also the WebDriver client's transport:
/// chromedriver writes headers without a space after the colon, which URLSession on Linux refuses.
final class RawConnection: @unchecked Sendable {
    private let socket: Int32

    init(port: Int) throws {
        #if canImport(Glibc)
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(socket) }

    func send(_ text: String) {
        send(bytes: Array(text.utf8))
    }

    func send(bytes: [UInt8]) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(socket, $0.baseAddress! + written, $0.count - written) }
            guard count > 0 else { return }
            written += count
        }
    }

    /// `readUntilClosed(seconds:)` on a dispatch queue: the blocking wait must not hold one of the
    /// few cooperative threads the in-process server needs to answer. `closedAt` is when the
    /// reading thread saw the connection close (or gave up): the awaiting test may resume much
    /// later when other suites keep the cooperative threads busy, so timing the await would
    /// measure the test runner, not the server.
    func waitUntilClosed(seconds: Double) async -> (text: String, closed: Bool, closedAt: Date) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.readUntilClosed(seconds: seconds)) }
        }
    }

    /// One HTTP/1.1 response read on a dispatch queue (off the cooperative pool): the status and
    /// the body of `Content-Length` bytes, or nil when none arrived within `seconds`.
    func response(seconds: Double) async -> (status: Int, body: [UInt8])? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.readResponse(seconds: seconds)) }
        }
    }

    private func readResponse(seconds: Double) -> (status: Int, body: [UInt8])? {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator = Array("\r\n\r\n".utf8)
        while deadline.timeIntervalSinceNow > 0 {
            if let end = received.indices.dropLast(3).first(where: { received[$0..<($0 + 4)].elementsEqual(separator) }) {
                let head = String(decoding: received[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                let status = head.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
                let length = head.dropFirst().compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
                if received.count >= end + 4 + length { return (status, Array(received[(end + 4)..<(end + 4 + length)])) }
            }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
            if count <= 0 { return nil }
            received.append(contentsOf: buffer[0..<count])
        }
        return nil
    }

    /// Everything the server sends until it closes the connection, and whether it closed within
    /// `seconds` (false: it was still open when the wait ended).
    func readUntilClosed(seconds: Double) -> (text: String, closed: Bool, closedAt: Date) {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return (String(decoding: received, as: UTF8.self), false, Date()) }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(remaining * 1000) + 1)
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true, Date()) }
            received.append(contentsOf: buffer[0..<count])
        }
    }
}
