import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests that exercise download code.
/// It serves fixed bodies by path, honours `Range: bytes=N-` with 206 answers, can cut a
/// response short once to simulate a dropped connection, and records every request. It stops
/// when `stop()` is called or the object is released; nothing but loopback is ever contacted.
public final class LoopbackHTTPServer: @unchecked Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var body: Data
        public var headers: [String: String]
        public init(status: Int = 200, body: Data, headers: [String: String] = [:]) {
            self.status = status
            self.body = body
            self.headers = headers
        }
    }

    public struct Request: Sendable, Equatable {
        public let path: String
        public let range: String?
        public let authorization: String?
    }

    public private(set) var port: UInt16 = 0
    private let listener: Int32
    private let lock = NSLock()
    private var routes: [String: Response] = [:]
    private var cutShort: [String: Int] = [:]
    private var recorded: [Request] = []
    private var running = true
    private var thread: Thread?

    public init(routes: [String: Response]) throws {
        self.routes = routes
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { close(listener); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        let socketDescriptor = listener
        let serverThread = Thread { [weak self] in
            while true {
                let client = accept(socketDescriptor, nil, nil)
                guard client >= 0, let self, self.isRunning else { if client >= 0 { close(client) }; return }
                self.serve(client)
                close(client)
            }
        }
        thread = serverThread
        serverThread.start()
    }

    deinit { stop() }

    /// The base URL, e.g. `http://127.0.0.1:PORT`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Every request received so far.
    public var requests: [Request] { lock.withLock { recorded } }

    /// The next response for `path` sends only its first `bytes` body bytes, then closes.
    public func cutShortOnce(_ path: String, afterBytes bytes: Int) { lock.withLock { cutShort[path] = bytes } }

    /// Replaces or adds a route.
    public func setRoute(_ path: String, _ response: Response) { lock.withLock { routes[path] = response } }

    public func stop() {
        let wasRunning = lock.withLock { () -> Bool in
            defer { running = false }
            return running
        }
        guard wasRunning else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private var isRunning: Bool { lock.withLock { running } }

    private func serve(_ client: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var received = Data()
        while received.range(of: Data("\r\n\r\n".utf8)) == nil && received.count < 65_536 {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { return }
            received.append(contentsOf: buffer[0..<count])
        }
        let head = String(decoding: received, as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        guard requestLine.count >= 2 else { return }
        let path = String(requestLine[1])
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let (route, limit) = lock.withLock { () -> (Response?, Int?) in
            recorded.append(Request(path: path, range: headers["range"], authorization: headers["authorization"]))
            return (routes[path], cutShort.removeValue(forKey: path))
        }
        guard let route else {
            send(client, status: 404, headers: [:], body: Data("not found".utf8))
            return
        }
        var status = route.status, body = route.body
        var extra = route.headers
        if let range = headers["range"], range.hasPrefix("bytes="), route.status == 200,
           let start = Int(range.dropFirst(6).split(separator: "-").first ?? ""), start < body.count {
            status = 206
            extra["Content-Range"] = "bytes \(start)-\(body.count - 1)/\(body.count)"
            body = body.subdata(in: start..<body.count)
        }
        send(client, status: status, headers: extra, body: body, sendOnly: limit)
    }

    private func send(_ client: Int32, status: Int, headers: [String: String], body: Data, sendOnly limit: Int? = nil) {
        let reason = [200: "OK", 206: "Partial Content", 404: "Not Found", 401: "Unauthorized", 500: "Internal Server Error"][status] ?? "Status"
        var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var payload = Data(head.utf8)
        payload.append(limit.map { body.prefix($0) } ?? body)
        payload.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let count = Glibc.send(client, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if count <= 0 { return }
                sent += count
            }
        }
    }
}
