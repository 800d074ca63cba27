import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Blocking HTTP GETs over URLSession: small bodies into memory, large ones streamed to a file,
/// resuming a partial file with a `Range` request.
final class HTTPTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let headers: [String: String]
    private let lock = NSLock()
    private var output: FileHandle?
    private var received = 0
    private var offset = 0
    private var progress: ((Int) -> Void)?
    private var response: HTTPURLResponse?
    private var body = Data()
    private var failure: Error?
    private let finished = DispatchSemaphore(value: 0)

    init(headers: [String: String]) {
        self.headers = headers
    }

    /// The body of `url` (for JSON API answers).
    static func fetch(_ url: URL, headers: [String: String]) throws -> (Data, HTTPURLResponse) {
        let transfer = HTTPTransfer(headers: headers)
        let response = try transfer.run(url, range: nil)
        return (transfer.body, response)
    }

    /// Streams `url` into `file`, appending from `offset` when the server honours the range
    /// (206) and restarting the file when it sends everything (200). `progress` receives the
    /// number of bytes in the file.
    static func download(_ url: URL, headers: [String: String], into file: URL, offset: Int,
                         progress: @escaping (Int) -> Void) throws {
        if !FileManager.default.fileExists(atPath: file.path) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        let transfer = HTTPTransfer(headers: headers)
        transfer.output = try FileHandle(forWritingTo: file)
        transfer.progress = progress
        defer { try? transfer.output?.close() }
        transfer.offset = offset
        // The session may outlive this call; drop the callback so it never escapes.
        defer { transfer.lock.withLock { transfer.progress = nil } }
        _ = try transfer.run(url, range: offset > 0 ? offset : nil)
    }

    private func run(_ url: URL, range: Int?) throws -> HTTPURLResponse {
        var request = URLRequest(url: url, timeoutInterval: 60)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let range { request.setValue("bytes=\(range)-", forHTTPHeaderField: "Range") }
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        session.dataTask(with: request).resume()
        finished.wait()
        session.finishTasksAndInvalidate()
        if let failure { throw failure }
        guard let response else { throw HubError.network(url: url.absoluteString, reason: "no response") }
        return response
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard let http = response as? HTTPURLResponse else {
            failure = HubError.network(url: response.url?.absoluteString ?? "?", reason: "not an HTTP response")
            completionHandler(.cancel)
            return
        }
        self.response = http
        guard (200..<300).contains(http.statusCode) else {
            failure = HubError.http(url: response.url?.absoluteString ?? "?", status: http.statusCode)
            completionHandler(.cancel)
            return
        }
        if let output {
            do {
                // A full answer to a range request restarts the file.
                if http.statusCode == 206 {
                    try output.seekToEnd()
                    received = offset
                } else {
                    try output.truncate(atOffset: 0)
                }
            } catch {
                failure = error
                completionHandler(.cancel)
                return
            }
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        defer { lock.unlock() }
        if let output {
            do { try output.write(contentsOf: data) } catch {
                failure = error
                dataTask.cancel()
                return
            }
            received += data.count
            progress?(received)
        } else {
            body.append(data)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        if let error, failure == nil {
            failure = HubError.network(url: task.originalRequest?.url?.absoluteString ?? "?", reason: error.localizedDescription)
        }
        lock.unlock()
        finished.signal()
    }
}
