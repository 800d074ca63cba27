import ArgumentParser
import Foundation
import Retrieval

/// Distributed indexing of real images with the default model: `clipkit index --distributed`
/// with 1 worker process, then with 2 (each in a fresh database of one PostgreSQL server), each
/// worker with `--threads-per-worker` compute threads (1 by default: a worker stands in for one
/// machine). Prints images/s for each run and the ratio (issue 18's goal: ≥ 1.8), with the CPU
/// time of the workers and of PostgreSQL's processes, and checks each store: every image once,
/// no open job, the HNSW index built exactly once after the bulk load.
struct DistributedIngestBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distributed-ingest",
        abstract: "clipkit index --distributed on real images: images/s with 1 and 2 worker processes, and the ratio.",
        discussion: """
            Needs a PostgreSQL server with pgvector (scripts/test-postgres.sh start prints its URL) and a folder of \
            images (scripts/load_test_images.py makes them); scripts/distributed-ingest-benchmark.sh does both. \
            clipkit-bench distributed-ingest --postgres postgres://postgres@127.0.0.1:55432/postgres --images /tmp/images
            """)

    @Option(help: "A PostgreSQL server with pgvector (scratch databases are created on it and dropped after).")
    var postgres: String

    @Option(help: "The folder of images to index.")
    var images: String

    @Option(help: "Worker process counts to run, comma-separated.")
    var workers = "1,2"

    @Option(help: "CLIPKIT_NUM_THREADS of each worker.")
    var threadsPerWorker = 1

    @Option(help: "Images per batch (per model call and per job).")
    var batchSize = 32

    @Option(help: "The clipkit executable (default: beside this program).")
    var clipkit: String?

    func run() throws {
        let server = try PostgresLocation(url: postgres)
        let counts = workers.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        guard !counts.isEmpty else { throw ValidationError("--workers needs positive counts") }
        let program = clipkit.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("clipkit")
        guard FileManager.default.isExecutableFile(atPath: program.path) else {
            throw ValidationError("no clipkit at \(program.path): build it (swift build -c release) or pass --clipkit")
        }
        let serverCPU = PostgresServerCPU(port: server.port)
        print("load average before: \(StoreBenchmark.loadAverage())")
        var rates: [Int: Double] = [:]
        for count in counts {
            let location = server.with(database: "clipkit_ingest_\(count)_\(ProcessInfo.processInfo.processIdentifier)")
            try PostgresStore.dropDatabase(location)
            _ = try PostgresStore(location: location)   // the database and tables, before the workers race for them
            let serverBefore = serverCPU?.seconds()
            let childrenBefore = Self.childrenCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            let processes = try (0..<count).map { worker -> Process in
                let process = Process()
                process.executableURL = program
                process.arguments = ["index", images, "--db", "\(location)", "--distributed", "--quiet", "--batch-size", String(batchSize)]
                var environment = ProcessInfo.processInfo.environment
                environment["CLIPKIT_NUM_THREADS"] = String(threadsPerWorker)
                process.environment = environment
                process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
                try process.run()
                return process
            }
            for process in processes { process.waitUntilExit() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard processes.allSatisfy({ $0.terminationStatus == 0 }) else { throw ValidationError("a worker failed (its errors are above)") }
            let workerCPU = Self.childrenCPUSeconds() - childrenBefore
            let postgresCPU = serverBefore.map { serverCPU!.seconds() - $0 }
            let store = try PostgresStore.openExisting(at: location)
            let stored = try store.embeddingCount(of: .items)
            let jobs = try store.openJobCount(), indexed = try store.hasVectorIndex(of: .items), builds = try store.vectorIndexBuildCount()
            try PostgresStore.dropDatabase(location)
            rates[count] = Double(stored) / seconds
            print(String(format: "%d worker process(es), %d thread(s) each: %d images in %.1f s = %.1f images/s; CPU: workers %.1f s, PostgreSQL %@ "
                         + "(%@ of all); open jobs %d, HNSW index %@ (built %d time(s) after the load)",
                         count, threadsPerWorker, stored, seconds, Double(stored) / seconds, workerCPU,
                         postgresCPU.map { String(format: "%.1f s", $0) } ?? "not visible",
                         postgresCPU.map { String(format: "%.1f %%", 100 * $0 / max(workerCPU + $0, 1e-9)) } ?? "?",
                         jobs, indexed ? "present" : "MISSING", builds))
        }
        if let one = rates[1] {
            for (count, rate) in rates.sorted(by: { $0.key < $1.key }) where count > 1 {
                print(String(format: "ratio %d workers / 1 worker: %.2fx", count, rate / one))
            }
        }
        print("load average after: \(StoreBenchmark.loadAverage())")
    }

    /// User + system seconds of this process's waited-for children.
    static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
