import ArgumentParser
import Foundation
import Models
import NN
import Retrieval
import Tensor

/// Reduced precision against fp32 in the same run (issue 11, goals 3 and 4): ViT-B/32 image and
/// text embeddings with full-size random weights in fp32 and bf16 (two models sharing the fp32
/// weights), and one exact top-10 query over random unit vectors by the fp32 scan and by the
/// 8-bit scan with fp32 rescoring. Each pair is timed in alternation so both see the same load;
/// the load average is printed beside the table.
struct PrecisionBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "precision",
        abstract: "ViT-B/32 images/s and texts/s in bf16 vs fp32; one-query exact search, 8-bit scan vs fp32 scan.")

    @OptionGroup var options: BenchmarkOptions

    @Option(help: "Images per batch.")
    var imageBatch: Int = 32

    @Option(help: "Texts per batch (77 tokens each).")
    var textBatch: Int = 64

    @Option(help: "Database vectors for the search rows (0 skips them).")
    var count: Int = 1_000_000

    @Option(help: "Vector width for the search rows.")
    var dimension: Int = 512

    @Option(help: "Queries whose recall@10 against the fp32 scan is measured.")
    var recallQueries: Int = 100

    @Flag(help: "Skip the model rows.")
    var noModels = false

    func run() throws {
        options.applyThreads()
        print("load average before: \(Stopwatch.loadAverage)")
        var rows: [ComparisonRow] = []
        let seconds = options.minimumSeconds
        if !noModels {
            var generator = SeededGenerator(seed: 0)
            let configuration = CLIPConfiguration.vitB32
            let full = CLIP(configuration)
            ModelsBenchmark.randomize(full, generator: &generator)
            let reduced = CLIP(configuration)
            let weights = full.parameterDictionary
            for (name, parameter) in reduced.namedParameters { parameter.value = weights[name]!.value }
            let precision = reduced.setInferencePrecision(.bf16)
            if precision != .bf16 { print(InferencePrecision.bf16.resolved.notice ?? "") }
            let images = Tensor.randomNormal([imageBatch, 3, 224, 224], generator: &generator)
            let tokens = ModelsBenchmark.randomTokens(count: textBatch, generator: &generator)

            let imageTimes = Stopwatch.bestSecondsInterleaved(minimumSeconds: seconds, [
                { blackHole(full.encodeImage(images)) }, { blackHole(reduced.encodeImage(images)) },
            ])
            let textTimes = Stopwatch.bestSecondsInterleaved(minimumSeconds: seconds, [
                { blackHole(full.encodeText(tokens)) }, { blackHole(reduced.encodeText(tokens)) },
            ])
            let imageCosine = Self.minimumRowCosine(reduced.encodeImage(images), full.encodeImage(images))
            let textCosine = Self.minimumRowCosine(reduced.encodeText(tokens), full.encodeText(tokens))
            rows += [
                ComparisonRow(name: "ViT-B/32 images, batch \(imageBatch), \(precision.rawValue)", unit: "images/s",
                              clipkit: Double(imageBatch) / imageTimes[1], reference: Double(imageBatch) / imageTimes[0], higherIsBetter: true),
                ComparisonRow(name: "ViT-B/32 texts, batch \(textBatch)×77, \(precision.rawValue)", unit: "texts/s",
                              clipkit: Double(textBatch) / textTimes[1], reference: Double(textBatch) / textTimes[0], higherIsBetter: true),
                ComparisonRow(name: "  min cosine to fp32, images", unit: "", clipkit: imageCosine, reference: nil, higherIsBetter: true),
                ComparisonRow(name: "  min cosine to fp32, texts", unit: "", clipkit: textCosine, reference: nil, higherIsBetter: true),
            ]
        }
        if count > 0 {
            print("generating \(count) × \(dimension) random unit vectors (seed 0) and \(recallQueries) queries (seed 1)…")
            let database = SearchBenchmark.randomUnitVectors(count: count, dimension: dimension, seed: 0)
            let queries = SearchBenchmark.randomUnitVectors(count: max(1, recallQueries), dimension: dimension, seed: 1)
            let exact = try ExactIndex(vectors: database)
            let buildStart = DispatchTime.now().uptimeNanoseconds
            let quantized = exact.withQuantizedScan()
            let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1e9
            let one = queries.slice(0..<1)
            let times = Stopwatch.bestSecondsInterleaved(minimumSeconds: seconds, [
                { blackHole(try! exact.search(one, k: 10)) }, { blackHole(try! quantized.search(one, k: 10)) },
            ])
            var hits = 0
            for query in 0..<queries.shape[0] {
                let single = queries.slice(query..<(query + 1))
                hits += Set(try quantized.search(single, k: 10).indices).intersection(try exact.search(single, k: 10).indices).count
            }
            rows += [
                ComparisonRow(name: "exact top 10, 1 query, \(count) × \(dimension), 8-bit scan + fp32 rescoring of \(QuantizedScan.defaultCandidateCount)",
                              unit: "ms", clipkit: times[1] * 1e3, reference: times[0] * 1e3, higherIsBetter: false),
                ComparisonRow(name: "  recall@10 vs fp32 scan (\(queries.shape[0]) queries)", unit: "",
                              clipkit: Double(hits) / Double(queries.shape[0] * 10), reference: nil, higherIsBetter: true),
                ComparisonRow(name: "  building the 8-bit copy", unit: "s", clipkit: buildSeconds, reference: nil, higherIsBetter: false),
            ]
        }
        print("precision benchmark, \(options.threads) thread(s); reference column: fp32 in the same run, timed in alternation")
        ComparisonRow.printTable(rows, referenceName: "fp32")
        print("load average after: \(Stopwatch.loadAverage)")
    }

    /// The smallest cosine between corresponding rows of two `[rows, width]` matrices.
    static func minimumRowCosine(_ a: Tensor, _ b: Tensor) -> Double {
        let (rows, width) = (a.shape[0], a.shape[1])
        let (x, y) = (a.scalars, b.scalars)
        var worst = 1.0
        for row in 0..<rows {
            var dot = 0.0, normA = 0.0, normB = 0.0
            for column in 0..<width {
                let (p, q) = (Double(x[row * width + column]), Double(y[row * width + column]))
                dot += p * q
                normA += p * p
                normB += q * q
            }
            worst = min(worst, dot / max((normA * normB).squareRoot(), 1e-30))
        }
        return worst
    }
}
