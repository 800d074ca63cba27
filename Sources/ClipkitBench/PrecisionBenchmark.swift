import ArgumentParser
import Foundation
import Models
import NN
import Retrieval
import Tensor

/// Reduced precision against fp32 in the same run (issue 11, goals 3 and 4): ViT-B/32 image and
/// text embeddings with full-size random weights in fp32, bf16 and int8 (three models sharing the
/// fp32 weights), and one exact top-10 query over random unit vectors by the fp32 scan and by the
/// 8-bit scan with fp32 rescoring. Each pair is timed in alternation so both see the same load;
/// the load average is printed beside the table.
struct PrecisionBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "precision",
        abstract: "ViT-B/32 images/s and texts/s in bf16 and int8 vs fp32; one-query exact search, 8-bit scan vs fp32 scan.")

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
        var notes: [String] = []
        let seconds = options.minimumSeconds
        if !noModels {
            var generator = SeededGenerator(seed: 0)
            let configuration = CLIPConfiguration.vitB32
            let full = CLIP(configuration)
            ModelsBenchmark.randomize(full, generator: &generator)
            let weights = full.parameterDictionary
            // One model per precision, sharing the fp32 weights.
            let reduced: [(precision: InferencePrecision, model: CLIP)] = [InferencePrecision.bf16, .int8].map { requested in
                let model = CLIP(configuration)
                for (name, parameter) in model.namedParameters { parameter.value = weights[name]!.value }
                let precision = model.setInferencePrecision(requested)
                if let notice = requested.resolved.notice { print(notice) }
                return (precision, model)
            }
            let images = Tensor.randomNormal([imageBatch, 3, 224, 224], generator: &generator)
            let tokens = ModelsBenchmark.randomTokens(count: textBatch, generator: &generator)
            let models = [full] + reduced.map(\.model)
            let imageTimes = Stopwatch.bestSecondsInterleaved(minimumSeconds: seconds, models.map { model in { blackHole(model.encodeImage(images)) } })
            let textTimes = Stopwatch.bestSecondsInterleaved(minimumSeconds: seconds, models.map { model in { blackHole(model.encodeText(tokens)) } })
            let (fullImages, fullTexts) = (full.encodeImage(images), full.encodeText(tokens))
            for (position, entry) in reduced.enumerated() {
                let name = entry.precision.rawValue
                rows += [
                    ComparisonRow(name: "ViT-B/32 images, batch \(imageBatch), \(name)", unit: "images/s", clipkit: Double(imageBatch) / imageTimes[position + 1],
                                  reference: Double(imageBatch) / imageTimes[0], higherIsBetter: true),
                    ComparisonRow(name: "ViT-B/32 texts, batch \(textBatch)×77, \(name)", unit: "texts/s", clipkit: Double(textBatch) / textTimes[position + 1],
                                  reference: Double(textBatch) / textTimes[0], higherIsBetter: true),
                ]
                let imageCosine = Self.minimumRowCosine(entry.model.encodeImage(images), fullImages)
                let textCosine = Self.minimumRowCosine(entry.model.encodeText(tokens), fullTexts)
                notes.append(String(format: "%@: min cosine to fp32 embeddings: images %.6f, texts %.6f", name, imageCosine, textCosine))
            }
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
        notes.forEach { print($0) }
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
