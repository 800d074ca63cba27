import ArgumentParser
import Foundation
import Models
import NN
import Tensor

/// Whole-model CLIP throughput: ViT-B/32 image embeddings and text embeddings (77 tokens) with
/// full-size random weights, beside OpenCLIP on PyTorch (`scripts/bench_reference.py models`),
/// plus the peak resident memory of each phase and the cost of one module walk (`namedParameters`,
/// `setMode`) over the model.
struct ModelsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "ViT-B/32 images/s (batch 32) and texts/s (batch 64, 77 tokens) with peak RSS, beside OpenCLIP.")

    @OptionGroup var options: BenchmarkOptions

    @Option(help: "Images per batch.")
    var imageBatch: Int = 32

    @Option(help: "Texts per batch (77 tokens each).")
    var textBatch: Int = 64

    @Option(help: "Transformer MLP activation: gelu (OpenCLIP's ViT-B-32) or quick_gelu (OpenAI's weights).")
    var activation: String = "gelu"

    func run() throws {
        guard let activation = Activation(rawValue: activation), [.gelu, .quickGELU].contains(activation) else {
            throw ValidationError("--activation must be gelu or quick_gelu")
        }
        options.applyThreads()
        var generator = SeededGenerator(seed: 0)
        let model = CLIP(CLIPConfiguration.vitB32.with(activation: activation))
        Self.randomize(model, generator: &generator)
        let images = Tensor.randomNormal([imageBatch, 3, 224, 224], generator: &generator)
        let tokens = Self.randomTokens(count: textBatch, generator: &generator)
        let seconds = options.minimumSeconds

        PeakMemory.reset()
        let imageTime = Stopwatch.bestSeconds(minimumSeconds: seconds) { blackHole(model.encodeImage(images)) }
        let imagePeak = PeakMemory.megabytes()
        PeakMemory.reset()
        let textTime = Stopwatch.bestSeconds(minimumSeconds: seconds) { blackHole(model.encodeText(tokens)) }
        let textPeak = PeakMemory.megabytes()
        // The reflection walk over the @Key registrations: run when loading, saving, building an
        // optimiser or switching modes, never per forward pass or per optimiser step.
        let walkTime = Stopwatch.bestSeconds(minimumSeconds: seconds) { blackHole(model.namedParameters.count) }
        let modeTime = Stopwatch.bestSeconds(minimumSeconds: seconds) { model.setMode(.inference) }

        var reference: [String: Double] = [:]
        if !options.noReference {
            do {
                reference = try ReferenceRunner.run(
                    script: "bench_reference.py",
                    arguments: ["models", "--threads", String(options.threads), "--image-batch", String(imageBatch),
                                "--text-batch", String(textBatch), "--activation", activation.rawValue,
                                "--minimum-seconds", String(seconds)],
                    python: options.python)
            } catch {
                FileHandle.standardError.write(Data("clipkit-bench: \(error)\n".utf8))
            }
        }
        print("models benchmark: ViT-B/32 (\(activation.rawValue)), random weights, \(options.threads) thread(s)")
        ComparisonRow.printTable([
            ComparisonRow(name: "image embedding, batch \(imageBatch)", unit: "images/s", clipkit: Double(imageBatch) / imageTime,
                          reference: reference["images_per_second"], higherIsBetter: true),
            ComparisonRow(name: "text embedding, batch \(textBatch)×77", unit: "texts/s", clipkit: Double(textBatch) / textTime,
                          reference: reference["texts_per_second"], higherIsBetter: true),
            ComparisonRow(name: "peak RSS, image phase", unit: "MB", clipkit: imagePeak,
                          reference: reference["image_peak_rss_mb"], higherIsBetter: false),
            ComparisonRow(name: "peak RSS, text phase", unit: "MB", clipkit: textPeak,
                          reference: reference["text_peak_rss_mb"], higherIsBetter: false),
            ComparisonRow(name: "module walk: namedParameters", unit: "ms", clipkit: walkTime * 1000, reference: nil,
                          higherIsBetter: false),
            ComparisonRow(name: "module walk: setMode", unit: "ms", clipkit: modeTime * 1000, reference: nil,
                          higherIsBetter: false),
        ], referenceName: "OpenCLIP/PyTorch")
    }

    /// N(0, 0.02) weights everywhere but the LayerNorm gains (kept at 1); logit scale log(100).
    static func randomize(_ model: CLIP, generator: inout SeededGenerator) {
        for (name, parameter) in model.namedParameters {
            if name == "logit_scale" {
                parameter.value = Tensor(scalar: log(100))
            } else if !(parameter.value.rank == 1 && name.hasSuffix(".weight")) {
                parameter.value = Tensor.randomNormal(parameter.value.shape, standardDeviation: 0.02, generator: &generator)
            }
        }
    }

    /// Rows of 77 ids: start-of-text, random BPE ids, end-of-text at a random position, zero padding.
    static func randomTokens(count: Int, generator: inout SeededGenerator) -> [[Int]] {
        (0..<count).map { _ in
            let end = Int.random(in: 2...76, using: &generator)
            return (0..<77).map { position in
                position == 0 ? 49406 : position == end ? 49407 : position < end ? Int.random(in: 1..<49406, using: &generator) : 0
            }
        }
    }
}

/// The process's peak resident set (`VmHWM`), resettable through `/proc/self/clear_refs` (Linux).
enum PeakMemory {
    static func reset() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    static func megabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }
}
