import ArgumentParser
import Autograd
import Foundation
import Models
import NN
import Optim
import Tensor

/// Contrastive training speed: whole CLIP training steps (forward of both towers, symmetric
/// InfoNCE, backward, AdamW update) per second for the tiny CLIP of
/// `configs/shapes-clip-from-scratch.json` and for ViT-B/32, beside the same step in OpenCLIP on
/// PyTorch (`scripts/bench_reference.py train`).
struct TrainBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "CLIP training steps/s (InfoNCE + backward + AdamW): tiny CLIP and ViT-B/32, beside OpenCLIP.")

    @OptionGroup var options: BenchmarkOptions

    @Option(help: "Pairs per tiny-CLIP step (64-px images, 16 tokens).")
    var tinyBatch: Int = 64

    @Option(help: "Pairs per ViT-B/32 step (224-px images, 77 tokens).")
    var vitBatch: Int = 8

    /// The tiny CLIP of configs/shapes-clip-from-scratch.json: ViT 64 px / patch 8 / width 64 /
    /// 2 layers / 4 heads, text context 16 / width 64 / 2 layers / 4 heads, embedding 64, GELU.
    static let tiny = CLIPConfiguration(
        vision: .visionTransformer(VisionTransformerConfiguration(imageSize: 64, patchSize: 8, width: 64, layers: 2, heads: 4,
                                                                  outputDimension: 64, activation: .gelu)),
        text: TextTransformerConfiguration(contextLength: 16, width: 64, layers: 2, heads: 4, outputDimension: 64,
                                           activation: .gelu))

    func run() throws {
        options.applyThreads()
        let seconds = options.minimumSeconds
        let tinyTime = Self.stepSeconds(Self.tiny, batch: tinyBatch, contextLength: 16, minimumSeconds: seconds)
        let vitTime = Self.stepSeconds(CLIPConfiguration.vitB32.with(activation: .gelu), batch: vitBatch, contextLength: 77,
                                       minimumSeconds: seconds)
        var reference: [String: Double] = [:]
        if !options.noReference {
            do {
                reference = try ReferenceRunner.run(
                    script: "bench_reference.py",
                    arguments: ["train", "--threads", String(options.threads), "--tiny-batch", String(tinyBatch),
                                "--vit-batch", String(vitBatch), "--minimum-seconds", String(seconds)],
                    python: options.python)
            } catch {
                FileHandle.standardError.write(Data("clipkit-bench: \(error)\n".utf8))
            }
        }
        print("train benchmark: one step = both towers, symmetric InfoNCE, backward, AdamW; \(options.threads) thread(s)")
        ComparisonRow.printTable([
            ComparisonRow(name: "tiny CLIP step, batch \(tinyBatch)", unit: "steps/s", clipkit: 1 / tinyTime,
                          reference: reference["tiny_steps_per_second"], higherIsBetter: true),
            ComparisonRow(name: "ViT-B/32 step, batch \(vitBatch)", unit: "steps/s", clipkit: 1 / vitTime,
                          reference: reference["vit_steps_per_second"], higherIsBetter: true),
        ], referenceName: "OpenCLIP/PyTorch")
    }

    /// Best seconds per training step of a random-weight CLIP on random images and token rows.
    static func stepSeconds(_ configuration: CLIPConfiguration, batch: Int, contextLength: Int, minimumSeconds: Double) -> Double {
        var generator = SeededGenerator(seed: 0)
        let model = CLIP(configuration)
        ModelsBenchmark.randomize(model, generator: &generator)
        model.logitScale.value = Tensor(scalar: Float(log(1 / 0.07)))
        let size = configuration.vision.imageSize
        let images = Tensor.randomNormal([batch, 3, size, size], generator: &generator)
        let tokens = (0..<batch).map { _ in
            let end = Int.random(in: 2...(contextLength - 1), using: &generator)
            return (0..<contextLength).map { position in
                position == 0 ? 49406 : position == end ? 49407 : position < end ? Int.random(in: 1..<49406, using: &generator) : 0
            }
        }
        let optimizer = Adam.adamW(parameters: model.trainableParameters, learningRate: 1e-4, weightDecay: 0.1)
        return Stopwatch.bestSeconds(minimumSeconds: minimumSeconds) {
            let loss = Losses.clip(imageEmbeddings: model.imageFeatures(Variable(images)), textEmbeddings: model.textFeatures(tokens),
                                   logScale: model.logitScale.variable)
            loss.backward()
            optimizer.step()
            optimizer.clearGradients()
        }
    }
}
