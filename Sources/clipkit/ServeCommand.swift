import ArgumentParser
import CLIPKit
import Foundation
import Imaging
import Retrieval
import Server
import Tensor

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve stores over HTTP: search, OpenAI-style embeddings, clip-retrieval and Immich APIs.",
        discussion: """
            Each store is an index named by its file name (or --name, in the same order as --db) and is \
            searched with the model it records, loaded once at start. The server listens on loopback \
            (127.0.0.1) unless --host says otherwise; writes (POST /index) need --token-file and the \
            token as `Authorization: Bearer <token>`. Concurrent text queries arriving within \
            --batch-window-ms of each other are embedded in one model call (at most --max-batch texts). \
            A request taking longer than --request-timeout gets a JSON 408/503. Stop it with Ctrl-C: requests in flight finish first.

            Endpoints: GET /search?q=&k=, POST /search (image), GET /items/{id}, GET /thumbnails/{id}, \
            POST /index, GET /healthz, GET /readyz, GET /metrics, POST /v1/embeddings, \
            POST /knn-service, GET /indices-list, POST /metadata, GET /ping, POST /predict.

            Examples:
              clipkit serve --db photos.db
              curl 'http://127.0.0.1:8080/search?q=a%20cat&k=5'
              clipkit serve --db photos.db --db art.db --name photos --name art --port 9000 --token-file ~/.clipkit-token
            """)

    @Option(help: "A store `clipkit index` wrote (a SQLite file or postgres://user@host:port/database); repeat for several indexes.",
            completion: .file())
    var db: [String]

    @Option(help: "The index name of each --db, in order (default: the store's file name without extension, or the database name).")
    var name: [String] = []

    @Option(help: "The address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: "A file holding the bearer token that write endpoints (POST /index) require.", completion: .file())
    var tokenFile: String?

    @Option(help: "Let web pages from this origin call the API (CORS), e.g. http://localhost:3000. Off by default.")
    var allowOrigin: String?

    @Option(help: "The largest upload or JSON body accepted, in megabytes.")
    var maximumUploadMegabytes = 32

    @Option(help: "Refuse images with more pixels than this (decompression-bomb guard).")
    var maximumPixels = ImageDecoder.defaultMaximumPixelCount

    @Option(help: "The longest a request may take, in seconds (408 if its body is still arriving, 503 if the server is still computing; POST /index is exempt).")
    var requestTimeout: Double = 30

    @Option(help: "Close a connection that sends nothing for this many seconds (idle keep-alive, or stalled mid-request).")
    var idleTimeout: Double = 60

    @Option(help: "Embed text queries arriving within this many milliseconds of each other in one model call (0: no batching).")
    var batchWindowMs: Double = 3

    @Option(help: "The most texts one batched model call embeds.")
    var maxBatch = 32

    @Option(help: ArgumentHelp("Threads each model call or search spreads over; BLAS uses the same count (default: 1, or CLIPKIT_NUM_THREADS when set).",
                               discussion: "1 keeps one model call on one core and leaves the others to the HTTP event loops and to "
                                   + "concurrent searches: on a busy machine, threads of one call that wait for each other cost "
                                   + "more than they give (scripts/load-test.sh measures it)."))
    var threads: Int?

    @Option(help: "Number format of the model's Linear and attention products: fp32, bf16 (AVX512_BF16 CPUs) or int8 (AVX512_VNNI); elsewhere fp32 with a notice.")
    var precision: String = "fp32"

    func validate() throws {
        guard !db.isEmpty else { throw ValidationError("give at least one store with --db") }
        guard name.isEmpty || name.count == db.count else { throw ValidationError("give one --name per --db, or none") }
        guard Set(name).count == name.count else { throw ValidationError("index names must differ") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard maximumUploadMegabytes >= 1, maximumPixels >= 1 else { throw ValidationError("limits must be positive") }
        guard requestTimeout > 0, idleTimeout > 0, requestTimeout.isFinite, idleTimeout.isFinite else {
            throw ValidationError("--request-timeout and --idle-timeout must be positive numbers of seconds")
        }
        guard batchWindowMs >= 0, batchWindowMs <= 1000 else { throw ValidationError("--batch-window-ms must be between 0 and 1000") }
        guard maxBatch >= 1 else { throw ValidationError("--max-batch must be at least 1") }
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() async throws {
        // A server's text batches come in many shapes, and the tensor buffer pool keeps freed
        // buffers by exact size (then up to 256 MB): its RSS climbed by 160 MiB in a minute of load
        // without the reuse saving CPU (scripts/load-test.sh: 3.3 ms per query with the pool or
        // without). Off unless CLIPKIT_BUFFER_POOL_MB says otherwise.
        if ProcessInfo.processInfo.environment["CLIPKIT_BUFFER_POOL_MB"] == nil { BufferPool.capacityBytes = 0 }
        let environment = ProcessInfo.processInfo.environment["CLIPKIT_NUM_THREADS"]
        ThreadPolicy.threadCount = threads ?? (environment == nil ? 1 : ThreadPolicy.threadCount)
        FileHandle.standardError.write(Data("compute threads per model call or search: \(ThreadPolicy.threadCount) (--threads)\n".utf8))
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.allowedOrigin = allowOrigin
        configuration.maximumBodyBytes = maximumUploadMegabytes << 20
        configuration.maximumUploadBytes = maximumUploadMegabytes << 20
        configuration.requestTimeout = .milliseconds(Int64(requestTimeout * 1000))
        configuration.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        if let tokenFile {
            let token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw ValidationError("\(tokenFile) is empty") }
            configuration.token = token
        }
        let decoder = ImageDecoder(maximumPixelCount: maximumPixels)
        let inferencePrecision = try InferencePrecision.parsedOption(precision)
        var collections: [ServedCollection] = []
        for (position, path) in db.enumerated() {
            FileHandle.standardError.write(Data("loading \(path)…\n".utf8))
            let window = Duration.microseconds(Int64(batchWindowMs * 1000))
            if case let .postgres(location) = try StoreLocation(argument: path) {
                // A PostgreSQL store: any number of replicas serve it; each search runs in the database.
                collections.append(try ServedCollection(store: PostgresStore(location: location), name: name.isEmpty ? location.database : name[position],
                                                        decoder: decoder, batchWindow: window, maximumTextBatch: maxBatch,
                                                        precision: inferencePrecision))
                continue
            }
            collections.append(try ServedCollection(storeURL: URL(fileURLWithPath: path), name: name.isEmpty ? nil : name[position],
                                                    decoder: decoder, batchWindow: window, maximumTextBatch: maxBatch, precision: inferencePrecision))
        }
        guard Set(collections.map(\.name)).count == collections.count else {
            throw ValidationError("two stores have the same file name; tell them apart with --name")
        }
        let server = SearchServer(indexes: collections, configuration: configuration)
        let host = self.host, names = collections.map(\.name).joined(separator: ", ")
        try await server.run(handlingSignals: true) { port in
            FileHandle.standardError.write(Data("serving \(names) on http://\(host):\(port)\n".utf8))
        }
    }
}
