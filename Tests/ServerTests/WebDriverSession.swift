import Foundation
import Testing

/// Headless Chromium driven over W3C WebDriver (Debian's `chromium` + `chromium-driver`): starts
/// `chromedriver` on a free loopback port, opens one headless session, and speaks the protocol's
/// JSON over HTTP (navigate, find, type, run a script, screenshot) on `RawConnection`s. `close()` ends the session and
/// the driver process; nothing leaves loopback.
final class WebDriverSession: @unchecked Sendable {
    static let driverPath = "/usr/bin/chromedriver"
    static let browserPath = "/usr/bin/chromium"

    /// Whether both programs are installed.
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: driverPath) && FileManager.default.isExecutableFile(atPath: browserPath)
    }

    /// Under CI (`CI=true`) a missing browser is a failure, not a skip.
    static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    struct Failure: Error, CustomStringConvertible { let description: String }

    private let driver: Process
    private let port: Int
    private var session = ""

    init() async throws {
        let port = try Self.freePort()
        driver = Process()
        driver.executableURL = URL(fileURLWithPath: Self.driverPath)
        driver.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        self.port = port
        // Wait for the driver to listen (at most 20 s on a loaded machine).
        var ready = false
        var problem = "no answer"
        for _ in 0..<200 where !ready {
            do {
                if let status = try await request("GET", "/status"), Self.bool((status as? [String: Any])?["ready"]) == true { ready = true; break }
            } catch {
                problem = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        guard ready else { await close(); throw Failure(description: "chromedriver did not start on port \(port): \(problem)") }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": ["binary": Self.browserPath,
                                   "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                            "--window-size=1000,800", "--no-first-run", "--no-proxy-server"]],
        ]]]
        do {
            let created = try await request("POST", "/session", capabilities)
            guard let id = (created as? [String: Any])?["sessionId"] as? String else { throw Failure(description: "no session id in \(String(describing: created))") }
            session = id
        } catch {
            await close()
            throw error
        }
    }

    /// Ends the session (closing the browser) and stops the driver.
    func close() async {
        if !session.isEmpty {
            _ = try? await request("DELETE", "/session/\(session)")
            session = ""
        }
        // SIGKILL: the driver inherits the spawning thread's signal mask, and dispatch's worker
        // threads block SIGTERM, so `terminate()` may never reach it.
        if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
        for _ in 0..<100 where driver.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
    }

    func navigate(to url: String) async throws { _ = try await command("POST", "url", ["url": url]) }

    /// The WebDriver reference of the first element matching `selector`.
    func element(_ selector: String) async throws -> String {
        let value = try await command("POST", "element", ["using": "css selector", "value": selector])
        guard let reference = (value as? [String: Any])?.values.first as? String else { throw Failure(description: "no element \(selector)") }
        return reference
    }

    /// Types `text` into an element (for a file input: the path of the file to upload).
    func type(_ text: String, into element: String) async throws {
        _ = try await command("POST", "element/\(element)/value", ["text": text])
    }

    func click(_ element: String) async throws { _ = try await command("POST", "element/\(element)/click", [:]) }

    /// Runs `script` (a function body; `arguments[i]` are its arguments) in the page and returns its value.
    @discardableResult
    func execute(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "execute/sync", ["script": script, "args": arguments])
    }

    /// Polls `script` until it returns true, up to `seconds`.
    func waitUntil(_ script: String, seconds: Double = 30) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if Self.bool(try await execute(script)) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// A PNG of the viewport.
    func screenshot() async throws -> Data {
        guard let text = try await command("GET", "screenshot") as? String, let png = Data(base64Encoded: text) else {
            throw Failure(description: "no screenshot")
        }
        return png
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        try await request(method, "/session/\(session)/\(path)", body)
    }

    /// One protocol call over a fresh loopback connection; the reply's `value`, or its error as a
    /// thrown `Failure`.
    private func request(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let connection = try RawConnection(port: port)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if body != nil { head += "Content-Type: application/json\r\n" }
        head += "Content-Length: \(payload.count)\r\n\r\n"
        connection.send(bytes: Array(head.utf8) + [UInt8](payload))
        guard let (status, data) = await connection.response(seconds: 120) else {
            throw Failure(description: "WebDriver \(method) \(path): no answer within 120 s")
        }
        let reply = try JSONSerialization.jsonObject(with: Data(data), options: [.fragmentsAllowed]) as? [String: Any]
        let value = reply?["value"]
        if status >= 400 {
            let message = (value as? [String: Any])?["message"] as? String ?? String(decoding: data, as: UTF8.self)
            throw Failure(description: "WebDriver \(method) \(path): \(status) \(message)")
        }
        return value is NSNull ? nil : value
    }

    /// A JSON boolean as `JSONSerialization` hands it over (`Bool` or `NSNumber`).
    static func bool(_ value: Any?) -> Bool? {
        if let flag = value as? Bool { return flag }
        return (value as? NSNumber)?.boolValue
    }

    /// A port nobody listens on now (bound to 0, read, released).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket failed") }
        defer { Foundation.close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
