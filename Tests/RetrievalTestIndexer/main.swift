// A small indexing program for RetrievalTests' kill-and-resume test: indexes an image folder into
// a store with the FixedVectorModelDouble (a test double, not a model), printing "committed N"
// after each committed batch so the test can SIGKILL it mid-run.
//
// Usage: retrieval-test-indexer STORE FOLDER BATCH_SIZE SECONDS_PER_BATCH [shortest]
// ("shortest": CLIP's preprocessing, shorter side to 224 then a centre crop, instead of an 8x8 squash)
// With a postgres:// STORE it is one distributed worker (DistributedIndexer) with the lease in
// seconds from CLIPKIT_TEST_LEASE_SECONDS (default 60) and the bulk-load minimum from
// CLIPKIT_TEST_BULK_LOAD_FROM (default 1000), printing "committed N" after each job.
import Foundation
import Models
import Retrieval
import RetrievalTestSupport

let arguments = CommandLine.arguments
guard arguments.count == 5 || (arguments.count == 6 && arguments[5] == "shortest"), let batchSize = Int(arguments[3]), let delay = Double(arguments[4]) else {
    FileHandle.standardError.write(Data("usage: retrieval-test-indexer STORE FOLDER BATCH_SIZE SECONDS_PER_BATCH [shortest]\n".utf8))
    exit(2)
}
setvbuf(stdout, nil, _IOLBF, 0)
do {
    if PostgresLocation.isPostgresURL(arguments[1]) {
        let store = try PostgresStore(location: PostgresLocation(url: arguments[1]))
        var options = IndexingOptions()
        options.batchSize = batchSize
        let lease = ProcessInfo.processInfo.environment["CLIPKIT_TEST_LEASE_SECONDS"].flatMap(Double.init) ?? 60
        let bulkLoadMinimum = ProcessInfo.processInfo.environment["CLIPKIT_TEST_BULK_LOAD_FROM"].flatMap(Int.init) ?? 1000
        let worker = DistributedIndexer(store: store, model: .fixedVectorDouble(delayPerCall: delay), options: options, leaseSeconds: lease,
                                        bulkLoadMinimum: bulkLoadMinimum)
        let catalog = try ImageFolderSource(root: URL(fileURLWithPath: arguments[2])).catalog()
        let report = try worker.index(catalog) { print("committed \($0)") }
        print("done \(report.embeddedItems) \(report.unchangedItems) failed \(report.failures.count)")
        exit(0)
    }
    let store = try EmbeddingStore(path: URL(fileURLWithPath: arguments[1]))
    var options = IndexingOptions()
    options.batchSize = batchSize
    let model: ImageTextModel = arguments.count == 6 ? .fixedVectorDouble(delayPerCall: delay, resizeMode: .shortest, imageSize: 224)
        : .fixedVectorDouble(delayPerCall: delay)
    let indexer = Indexer(store: store, model: model, options: options)
    let report = try indexer.index(ImageFolderSource(root: URL(fileURLWithPath: arguments[2]))) { progress in
        print("committed \(progress.completed)")
    }
    print("done \(report.embeddedItems) \(report.unchangedItems) failed \(report.failures.count)")
    // This process's own peak resident memory (VmHWM: not inherited from the parent across exec).
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) {
        print("peak \(line.split(separator: " ")[1]) kB")
    }
} catch {
    FileHandle.standardError.write(Data("retrieval-test-indexer: \(error)\n".utf8))
    exit(1)
}
