import ArgumentParser
import CLIPKit
import Evaluation
import Foundation
import Retrieval

struct RetrieveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieve",
        abstract: "Answer a file of queries in one go and write a result file (top K per query).",
        discussion: """
            Queries: a CSV (or .tsv) with a header and one query per row. Text→image reads the columns \
            query_id,text; image→text and image→image read query_id,image (paths relative to the file's folder).

              query_id,text
              q1,a cat lying on a sofa
              q2,"a cup of coffee, seen from above"

            Result file (CSV, the retrieval competition's layout): one row per query and rank, best \
            first, ranks from 1, scores (cosine similarity) with 6 decimals; result ids are image keys \
            for t2i and i2i, caption keys for i2t:

              query_id,rank,result_id,score
              q1,1,chelsea.png,0.512345
              q1,2,astronaut.png,0.301200

            Examples:
              clipkit retrieve --db photos.db --queries queries.csv \\
                --direction t2i -k 5 --out result.csv
              clipkit retrieve --db coco.db --queries images.csv \\
                --direction i2t -k 5 --out i2t.csv
            """)

    @Option(help: "The store `clipkit index` wrote: a SQLite file or postgres://user@host:port/database.", completion: .file())
    var db: String

    @Option(help: "The query table (CSV or TSV with a header).", completion: .file())
    var queries: String

    @Option(help: "t2i (text→image), i2t (image→text: captions) or i2i (image→image).")
    var direction: RetrievalDirection

    @Option(name: [.customShort("k"), .customLong("top-k")], help: "Results per query.")
    var k = ResultFile.defaultDepth

    @Option(help: "Where to write the result file (default: standard output).", completion: .file())
    var out: String?

    @Option(help: "The column of query ids.")
    var idColumn = "query_id"

    @Option(help: "The column of query texts (t2i).")
    var textColumn = "text"

    @Option(help: "The column of query image paths (i2t, i2i).")
    var imageColumn = "image"

    @Option(help: "Queries per model call.")
    var batchSize = 64

    @Flag(help: "Exit with success even when some query images cannot be read (their rows are left out of the result file).")
    var skipUnreadable = false

    /// `--model` is only needed when the store's model cannot be loaded by the name it records.
    @OptionGroup var modelOptions: ModelOptionGroup

    @OptionGroup var backendOptions: SearchBackendOptions

    func validate() throws {
        guard k >= 1 else { throw ValidationError("-k must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        var table: QueryTable!
        try MissingColumn.naming(direction == .textToImage ? "--id-column or --text-column" : "--id-column or --image-column") {
            table = try QueryTable(contentsOf: CollectionSourceOptions.url(queries), idColumn: idColumn,
                                   valueColumn: direction == .textToImage ? textColumn : imageColumn)
        }
        let store = try StoreLocation(argument: db).openExisting()
        let loaded = try modelOptions.load(for: store, emptyStore: .refuse)
        let search = try CollectionSearch(store: store, model: loaded,
                                          backend: try backendOptions.backend(for: store, owner: direction.database))
        let start = Date()
        let result = try search.retrieve(table, direction: direction, k: k, batchSize: batchSize,
                                         progress: ProgressBar.callback(label: "embedding queries"))
        for failure in result.unreadable { note("skipped query image \(failure)") }
        if let out {
            let url = CollectionSourceOptions.url(out)
            try ResultFile.write(result.results, depth: k, to: url)
            note(String(format: "%d queries × top %d → %@ (%.1f s)", result.results.count, k, url.path, Date().timeIntervalSince(start)))
        } else {
            print(ResultFile.render(result.results, depth: k), terminator: "")
        }
        if !result.unreadable.isEmpty && !skipUnreadable {
            throw MissingQueries(count: result.unreadable.count, total: table.queries.count)
        }
    }
}

/// Query images that could not be read: the result file lacks their rows, which a results
/// table must not do silently.
struct MissingQueries: Error, CustomStringConvertible {
    let count: Int
    let total: Int
    var description: String {
        "\(count) of \(total) query images could not be read (listed above), so the result file has no rows for them; "
            + "fix or remove those queries, or pass --skip-unreadable to accept the gaps"
    }
}

extension RetrievalDirection: ExpressibleByArgument {}
