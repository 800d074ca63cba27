import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// `clipkit serve` end to end: the command parses its options, loads the store's model, listens on
/// loopback, answers a search, and stops cleanly on SIGINT.
@Suite(.serialized) struct ServeCommandTests {
    @Test func servesAStoreAndStopsOnInterrupt() async throws {
        let folder = try TemporaryFolder()
        for name in ["chelsea.png", "coffee.png", "rocket.jpg"] {
            try FileManager.default.createDirectory(at: folder.file("photos"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: try TestPaths.installedPackageFile("skimage/data/" + name), to: folder.file("photos/" + name))
        }
        let store = folder.file("photos.db").path
        #expect(try CommandLineTests().clipkit(["index", folder.file("photos").path, "--db", store]).status == 0)

        let server = try CommandLineTests.Run(["serve", "--db", store, "--name", "mine", "--port", "0", "--threads", "2"])
        // Polled with the thread held (not `Task.sleep`): on 2 cores the cooperative pool's two
        // threads can stay busy with other suites' long synchronous tests for minutes, and a
        // suspended poll would then only resume after its deadline.
        let deadline = Date(timeIntervalSinceNow: 120)
        var port: Int?
        while server.process.isRunning, Date() < deadline, port == nil {
            if let line = server.errors.split(separator: "\n").first(where: { $0.hasPrefix("serving mine on http://127.0.0.1:") }) {
                port = Int(line.split(separator: ":").last ?? "")
            }
            if port == nil { usleep(50_000) }
        }
        let listening = try #require(port, "no serving line: \(server.errors)")
        let url = URL(string: "http://127.0.0.1:\(listening)/search?q=a%20cat&k=1")!
        let (data, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(body["index"] as? String == "mine")
        #expect(((body["results"] as? [[String: Any]])?.first?["key"] as? String) == "chelsea.png")
        #expect(server.errors.contains("compute threads per model call or search: 2 (--threads)"), "\(server.errors)")
        // The tensor buffer pool is off in a server (its RSS stays flat under many batch shapes).
        let (metrics, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(listening)/metrics")!)
        #expect(String(decoding: metrics, as: UTF8.self).contains("\nclipkit_buffer_pool_bytes 0.0\n"))

        kill(server.process.processIdentifier, SIGINT)
        #expect(server.finish() == 0, "\(server.errors)")
    }

    @Test func refusesBadOptions() throws {
        let noStore = try CommandLineTests().clipkit(["serve"])
        #expect(noStore.status != 0 && noStore.errors.contains("--db"))
        let names = try CommandLineTests().clipkit(["serve", "--db", "a.db", "--db", "b.db", "--name", "a"])
        #expect(names.status != 0 && names.errors.contains("one --name per --db"))
        let missing = try CommandLineTests().clipkit(["serve", "--db", "/nonexistent/store.db"])
        #expect(missing.status != 0 && missing.errors.contains("/nonexistent/store.db"))
        let threads = try CommandLineTests().clipkit(["serve", "--db", "a.db", "--threads", "0"])
        #expect(threads.status != 0 && threads.errors.contains("--threads must be at least 1"))
    }
}
