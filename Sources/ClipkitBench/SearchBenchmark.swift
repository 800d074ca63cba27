import ArgumentParser
import Foundation
import Retrieval
import Tensor

/// Exact and HNSW search over random unit vectors beside faiss-cpu from PyPI
/// (`scripts/bench_reference.py search`, IndexFlatIP and IndexHNSWFlat), on the same vectors
/// (written to raw Float32 files the reference reads) and the same thread count.
struct SearchBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Exact top-10 latency and throughput, HNSW32 recall@10 against queries/s, beside faiss-cpu.",
        discussion: """
            The reference needs a Python with faiss-cpu and numpy, e.g. \
            python3 -m venv /root/refvenv && /root/refvenv/bin/pip install faiss-cpu numpy, then \
            swift run -c release clipkit-bench search --python /root/refvenv/bin/python
            """)

    @OptionGroup var options: BenchmarkOptions

    @Option(help: "Database vectors.")
    var count: Int = 1_000_000

    @Option(help: "Vector width.")
    var dimension: Int = 512

    @Option(help: "Queries in the batch measurement.")
    var batchSize: Int = 100

    @Option(help: "Vectors in the HNSW32 index (its build is the slow part; at most --count).")
    var hnswCount: Int = 1_000_000

    @Option(help: "efSearch values to measure, comma-separated.")
    var efSearch: String = "16,64,256"

    @Option(help: "Folder for the shared vector files (default: the temporary folder).")
    var dataFolder: String?

    @Flag(help: "Skip the HNSW measurements.")
    var noHNSW = false

    func run() throws {
        options.applyThreads()
        let hnswVectors = min(hnswCount, count)
        let efValues = efSearch.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }

        print("generating \(count) × \(dimension) random unit vectors (seed 0) and \(batchSize) queries (seed 1)…")
        let database = Self.randomUnitVectors(count: count, dimension: dimension, seed: 0)
        let queries = Self.randomUnitVectors(count: batchSize, dimension: dimension, seed: 1)
        let folder = URL(fileURLWithPath: dataFolder ?? NSTemporaryDirectory(), isDirectory: true)
        let databaseFile = folder.appendingPathComponent("clipkit-search-database-\(count)x\(dimension).f32")
        let queryFile = folder.appendingPathComponent("clipkit-search-queries-\(batchSize)x\(dimension).f32")
        if !options.noReference {
            try Self.writeRaw(database, to: databaseFile)
            try Self.writeRaw(queries, to: queryFile)
        }
        defer {
            try? FileManager.default.removeItem(at: databaseFile)
            try? FileManager.default.removeItem(at: queryFile)
        }

        var results: [String: Double] = [:]
        let seconds = options.minimumSeconds
        let exact = try ExactIndex(vectors: database)
        let one = queries.slice(0..<1)
        results["flat_single_ms"] = Stopwatch.bestSeconds(minimumSeconds: seconds) { blackHole(try! exact.search(one, k: 10)) } * 1e3
        results["flat_batch_qps"] = Double(batchSize)
            / Stopwatch.bestSeconds(minimumSeconds: seconds) { blackHole(try! exact.search(queries, k: 10)) }

        if !noHNSW {
            print("building HNSW32 over \(hnswVectors) vectors…")
            let subset = database.slice(0..<hnswVectors)
            let truth = try ExactIndex(vectors: subset).search(queries, k: 10)
            let index = try ApproximateIndex(factory: "HNSW32", dimension: dimension)
            let start = DispatchTime.now().uptimeNanoseconds
            try index.add(subset, ids: (0..<Int64(hnswVectors)).map { $0 })
            results["hnsw_build_s"] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            for ef in efValues {
                try index.setParameter("efSearch", Double(ef))
                var found: SearchResults?
                let time = Stopwatch.bestSeconds(minimumSeconds: seconds) { found = try! index.search(queries, k: 10) }
                results["hnsw_qps_\(ef)"] = Double(batchSize) / time
                results["hnsw_recall_\(ef)"] = Self.recallAt10(found!, truth: truth)
            }
        }

        var reference: [String: Double] = [:]
        if !options.noReference {
            print("running faiss-cpu on the same vectors…")
            do {
                reference = try ReferenceRunner.run(
                    script: "bench_reference.py",
                    arguments: ["search", "--threads", String(options.threads), "--minimum-seconds", String(seconds),
                                "--database", databaseFile.path, "--queries", queryFile.path, "--count", String(count),
                                "--dimension", String(dimension), "--batch-size", String(batchSize),
                                "--hnsw-count", String(noHNSW ? 0 : hnswVectors), "--ef-search", efSearch],
                    python: options.python)
            } catch {
                FileHandle.standardError.write(Data("clipkit-bench: \(error)\n".utf8))
            }
        }

        print("search benchmark, \(count) × \(dimension) unit vectors, top 10, \(options.threads) thread(s)")
        var rows = [
            ComparisonRow(name: "exact, 1 query", unit: "ms", clipkit: results["flat_single_ms"]!,
                          reference: reference["flat_single_ms"], higherIsBetter: false),
            ComparisonRow(name: "exact, batch of \(batchSize)", unit: "q/s", clipkit: results["flat_batch_qps"]!,
                          reference: reference["flat_batch_qps"], higherIsBetter: true),
        ]
        if !noHNSW {
            rows.append(ComparisonRow(name: "HNSW32 build, \(hnswVectors) vectors", unit: "s", clipkit: results["hnsw_build_s"]!,
                                      reference: reference["hnsw_build_s"], higherIsBetter: false))
            for ef in efValues {
                rows.append(ComparisonRow(name: "HNSW32 efSearch \(ef), batch", unit: "q/s", clipkit: results["hnsw_qps_\(ef)"]!,
                                          reference: reference["hnsw_qps_\(ef)"], higherIsBetter: true))
                rows.append(ComparisonRow(name: "HNSW32 efSearch \(ef), recall@10", unit: "", clipkit: results["hnsw_recall_\(ef)"]!,
                                          reference: reference["hnsw_recall_\(ef)"], higherIsBetter: true))
            }
        }
        ComparisonRow.printTable(rows, referenceName: "faiss-cpu")
        print("CLIPKit's HNSW is Debian's faiss 1.7.3 (no AVX2 code paths) behind CFaiss; faiss-cpu is the PyPI wheel.")
    }

    /// Unit vectors from a normal distribution; blocks of rows are generated in parallel, each from its own seed.
    static func randomUnitVectors(count: Int, dimension: Int, seed: UInt64) -> Tensor {
        let rowsPerBlock = 4096
        let blocks = (count + rowsPerBlock - 1) / rowsPerBlock
        return Tensor(shape: [count, dimension]) { output in
            let base = output.baseAddress!
            ThreadPolicy.parallelFor(blocks, workPerItem: rowsPerBlock * dimension) { range in
                for block in range {
                    var generator = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(block))
                    for row in (block * rowsPerBlock)..<min((block + 1) * rowsPerBlock, count) {
                        let target = base + row * dimension
                        var sum: Float = 0
                        for column in 0..<dimension {
                            let value = generator.nextNormal()
                            target[column] = value
                            sum += value * value
                        }
                        let scale = 1 / sum.squareRoot()
                        for column in 0..<dimension { target[column] *= scale }
                    }
                }
            }
        }
    }

    /// Writes the scalars as raw little-endian Float32 (numpy.fromfile reads them).
    static func writeRaw(_ tensor: Tensor, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ReferenceRunner.Failure(description: "cannot create \(url.path) for the reference's vectors; pass --data-folder")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let bytes = tensor.count * MemoryLayout<Float>.size, chunk = 64 << 20
        var offset = 0
        while offset < bytes {
            let length = min(chunk, bytes - offset)
            try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(tensor.pointer) + offset, count: length,
                                              deallocator: .none))
            offset += length
        }
    }

    static func recallAt10(_ found: SearchResults, truth: SearchResults) -> Double {
        var hits = 0
        for query in 0..<found.queryCount {
            hits += Set(found.indices(ofQuery: query)).intersection(truth.indices(ofQuery: query)).count
        }
        return Double(hits) / Double(found.queryCount * 10)
    }
}
