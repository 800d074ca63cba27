import ArgumentParser
import CLIPKit
import Evaluation
import Foundation
import Models
import Retrieval

struct EvalRetrievalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Recall@1/5/10 of text→image and image→text retrieval on a captioned dataset.",
        discussion: """
            Embeds the dataset's images and captions, ranks every image for every caption (text→image) \
            and every caption for every image (image→text) by cosine similarity, and reports the share \
            of queries whose match is in the top K, plus the mean of the six recalls ("mean recall"). \
            A caption is matched by the images it describes, an image by its captions. The dataset \
            layouts are those of `clipkit index` (CSV/TSV, COCO, Chinese-CLIP, class folders).

            With --db the embeddings are kept in that store, so evaluating again (or after adding \
            images) embeds only what changed; without it they go to a temporary store.

            Examples:
              clipkit eval retrieval --dataset captions.csv
              clipkit eval retrieval --dataset annotations/captions_val2017.json \\
                --model ~/models/clip --out metrics.json
              # Chinese-CLIP layout, embeddings kept for the next run
              clipkit eval retrieval --dataset data/valid_texts.jsonl --db valid.db
              # CLIP_benchmark's result layout, to merge with its tables
              clipkit eval retrieval --dataset captions.csv --benchmark-json flickr.json
            """)

    @Option(help: "The captioned dataset (a path in one of `clipkit index`'s layouts).", completion: .file())
    var dataset: String

    @OptionGroup var modelOptions: ModelOptionGroup

    @OptionGroup var sourceOptions: CollectionSourceOptions

    @Option(help: "Keep the embeddings in this store (a SQLite file or a postgres:// URL), reused and updated on later runs (it is made to hold exactly this dataset: other entries are pruned).",
            completion: .file())
    var db: String?

    @Option(help: "Also write the metrics as JSON to this file.", completion: .file())
    var out: String?

    @Option(help: ArgumentHelp("Also write the result in CLIP_benchmark's JSON layout (image_retrieval_recall@K, "
                                 + "text_retrieval_recall@K) to this file.", valueName: "file"), completion: .file())
    var benchmarkJSON: String?

    @Option(help: "Images per model call.")
    var batchSize = 32

    @Flag(help: "No progress bars.")
    var quiet = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let indexing = try sourceOptions.listing(dataset)
        let (specification, format, catalog) = (indexing.specification, indexing.format, indexing.catalog)
        guard !catalog.captions.isEmpty else {
            let hint = format == .folder ? "; for root/<class>/<image> folders add --format class-folders" : ""
            throw UncaptionedDataset(description: "\(specification.location.path) (\(format.rawValue)) has no captions; retrieval "
                                     + "needs a captioned dataset: a CSV/TSV caption table, COCO captions, Chinese-CLIP files "
                                     + "or class folders" + hint)
        }
        note("\(specification.location.path) (\(format.rawValue)): \(catalog.items.count) images, \(catalog.captions.count) captions")

        let temporary = db == nil ? try TemporaryStore(prefix: "clipkit-eval") : nil
        let store: any CollectionStore = try temporary?.store ?? StoreLocation(argument: db!).openForWriting()
        let loaded = try modelOptions.load(for: store, emptyStore: .useDefaultModel)
        note("model: \(loaded.identity)")
        var options = IndexingOptions()
        options.batchSize = batchSize
        options.prunes = true  // the store must hold exactly this dataset
        let report = try indexing.index(into: store, model: loaded, options: options, progress: quiet ? nil : IndexingProgressBars().show)
        note(try indexing.summary(of: report, store: store))

        let metrics = try RetrievalEvaluation.evaluate(store: store)
        print("Retrieval on \(specification.location.lastPathComponent) with \(loaded.identity.name)")
        print(Self.table(metrics))
        if let benchmarkJSON {
            let names = loaded.identity.benchmarkNames
            let url = CollectionSourceOptions.url(benchmarkJSON)
            try CLIPBenchmarkResult(retrieval: metrics, dataset: specification.location.deletingPathExtension().lastPathComponent,
                                    model: names.model, pretrained: names.pretrained).jsonData().write(to: url, options: .atomic)
            note("CLIP_benchmark result → \(url.path)")
        }
        if let out {
            let url = CollectionSourceOptions.url(out)
            try Self.json(metrics, dataset: specification.location.path, format: format, model: loaded.identity).write(to: url, options: .atomic)
            note("metrics → \(url.path)")
        }
    }

    /// Recall in percent, one row per direction, then the mean.
    static func table(_ report: RetrievalEvaluationReport) -> String {
        let ks = report.textToImage.recall.keys.sorted()
        var lines = ["direction     queries  candidates" + ks.map { "R@\($0)".leftPadded(to: 8) }.joined()]
        for (name, direction) in [("text→image", report.textToImage), ("image→text", report.imageToText)] {
            lines.append(name.padding(toLength: 10, withPad: " ", startingAt: 0) + String(direction.queries).leftPadded(to: 10)
                         + String(direction.candidates).leftPadded(to: 12)
                         + ks.map { String(format: "%.2f", 100 * (direction.recall[$0] ?? 0)).leftPadded(to: 8) }.joined())
        }
        lines.append(String(format: "mean recall %.2f", 100 * report.meanRecall))
        return lines.joined(separator: "\n")
    }

    /// The report's JSON (fractions, not percent) with the dataset and model named.
    static func json(_ report: RetrievalEvaluationReport, dataset: String, format: SourceFormat, model: ModelIdentity) throws -> Data {
        guard var object = try JSONSerialization.jsonObject(with: try report.jsonData()) as? [String: Any] else {
            return try report.jsonData()
        }
        object["dataset"] = dataset
        object["format"] = format.rawValue
        object["model"] = ["name": model.name, "checkpoint_hash": model.checkpointHash, "dimension": model.dimension] as [String: Any]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}

/// A dataset without captions given to `eval retrieval`.
struct UncaptionedDataset: Error, CustomStringConvertible {
    let description: String
}
