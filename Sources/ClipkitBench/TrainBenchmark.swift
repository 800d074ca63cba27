import ArgumentParser
import Autograd
import Foundation
import Generation
import Models
import NN
import Optim
import Tensor

/// Training speed: whole training steps (forward, loss, backward, AdamW update) per second beside
/// the same step on PyTorch (`scripts/bench_reference.py train`):
/// - `tiny`: the tiny CLIP of `configs/shapes-clip-from-scratch.json`, symmetric InfoNCE (OpenCLIP);
/// - `vit`: ViT-B/32 CLIP, symmetric InfoNCE (OpenCLIP);
/// - `resnet`: ResNet-18 (basic blocks 64/128/256/512, BatchNorm in training mode, 100 classes) on
///   64×64 images, cross-entropy (torchvision's `resnet18`);
/// - `unet`: a small denoising U-Net on 32×32×3 images (widths 64/128, one ResNet block per level,
///   GroupNorm(32), SiLU, a mid block with self- and cross-attention at 16×16 over an 8-token
///   context, sinusoidal time embedding), MSE on the noise (diffusers' `UNet2DConditionModel`).
struct TrainBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training steps/s (loss + backward + AdamW): tiny CLIP, ViT-B/32, ResNet-18, small U-Net, beside PyTorch.")

    /// The benchmark rows.
    enum Row: String, CaseIterable, ExpressibleByArgument {
        case tiny, vit, resnet, unet
    }

    @OptionGroup var options: BenchmarkOptions

    @Option(parsing: .upToNextOption, help: "Rows to measure: \(Row.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).")
    var rows: [Row] = Row.allCases

    @Option(help: "Images per ResNet-18 step (64-px images, 100 classes).")
    var resnetBatch: Int = 32

    @Option(help: "Images per small-U-Net step (32-px images).")
    var unetBatch: Int = 32

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
        let selected = Row.allCases.filter(rows.contains)
        var times: [Row: Double] = [:]
        for row in selected {
            switch row {
            case .tiny:
                times[row] = Self.stepSeconds(Self.tiny, batch: tinyBatch, contextLength: 16, minimumSeconds: seconds)
            case .vit:
                times[row] = Self.stepSeconds(CLIPConfiguration.vitB32.with(activation: .gelu), batch: vitBatch, contextLength: 77,
                                              minimumSeconds: seconds)
            case .resnet:
                times[row] = Self.resnetStepSeconds(batch: resnetBatch, minimumSeconds: seconds)
            case .unet:
                times[row] = Self.unetStepSeconds(batch: unetBatch, minimumSeconds: seconds)
            }
        }
        var reference: [String: Double] = [:]
        if !options.noReference {
            do {
                reference = try ReferenceRunner.run(
                    script: "bench_reference.py",
                    arguments: ["train", "--threads", String(options.threads), "--tiny-batch", String(tinyBatch),
                                "--vit-batch", String(vitBatch), "--resnet-batch", String(resnetBatch),
                                "--unet-batch", String(unetBatch), "--minimum-seconds", String(seconds),
                                "--rows"] + selected.map(\.rawValue),
                    python: options.python)
            } catch {
                FileHandle.standardError.write(Data("clipkit-bench: \(error)\n".utf8))
            }
        }
        print("train benchmark: one step = forward, loss, backward, AdamW; \(options.threads) thread(s)")
        let names: [Row: String] = [
            .tiny: "tiny CLIP step, batch \(tinyBatch)", .vit: "ViT-B/32 step, batch \(vitBatch)",
            .resnet: "ResNet-18 64px step, batch \(resnetBatch)", .unet: "small U-Net 32px step, batch \(unetBatch)",
        ]
        ComparisonRow.printTable(selected.map { row in
            ComparisonRow(name: names[row]!, unit: "steps/s", clipkit: 1 / times[row]!,
                          reference: reference["\(row.rawValue)_steps_per_second"], higherIsBetter: true)
        }, referenceName: "PyTorch")
    }

    /// The small denoising U-Net of the `unet` row: 3 → 64 → 128 channels over 32×32 and 16×16, one
    /// ResNet block per level, a cross-attention mid block (4 heads) over a 64-wide context.
    static let smallUNet = UNet2DConditionConfiguration(
        sampleSize: 32, inChannels: 3, outChannels: 3, downBlockTypes: ["DownBlock2D", "DownBlock2D"],
        upBlockTypes: ["UpBlock2D", "UpBlock2D"], blockOutChannels: [64, 128], layersPerBlock: 1, normGroups: 32,
        crossAttentionDimension: 64, attentionHeads: 4)

    /// Best seconds per ResNet-18 training step (BatchNorm on batch statistics, cross-entropy over
    /// 100 classes) on random 64×64 images, torchvision's initialisation.
    static func resnetStepSeconds(batch: Int, minimumSeconds: Double) -> Double {
        var generator = SeededGenerator(seed: 0)
        var configuration = ResNetConfiguration.resnet18
        configuration.classCount = 100
        let model = ResNet(configuration: configuration, generator: &generator)
        model.setMode(.training)
        let images = Tensor.randomNormal([batch, 3, 64, 64], generator: &generator)  // [batch, 3, 64, 64]
        let labels = (0..<batch).map { _ in Int.random(in: 0..<100, using: &generator) }
        let optimizer = Adam.adamW(parameters: model.trainableParameters, learningRate: 1e-4, weightDecay: 0.1)
        return Stopwatch.bestSeconds(minimumSeconds: minimumSeconds) {
            let loss = Losses.crossEntropy(logits: model(Variable(images)), targets: labels)
            loss.backward()
            optimizer.step()
            optimizer.clearGradients()
        }
    }

    /// Best seconds per training step of the small U-Net: ε̂ for noisy 32×32 images at random
    /// timesteps with an 8-token context, MSE against the noise, PyTorch's default initialisation.
    static func unetStepSeconds(batch: Int, minimumSeconds: Double) -> Double {
        var generator = SeededGenerator(seed: 0)
        let model = UNet2DConditionModel(configuration: smallUNet)
        DiffusionInitialization.initialize(model, generator: &generator)
        model.setMode(.training)
        let noisy = Tensor.randomNormal([batch, 3, 32, 32], generator: &generator)  // [batch, 3, 32, 32]
        let noise = Tensor.randomNormal([batch, 3, 32, 32], generator: &generator)  // [batch, 3, 32, 32]
        let context = Tensor.randomNormal([batch, 8, smallUNet.crossAttentionDimension], generator: &generator)  // [batch, 8, 64]
        let timesteps = (0..<batch).map { _ in Float(Int.random(in: 0..<1000, using: &generator)) }
        let optimizer = Adam.adamW(parameters: model.trainableParameters, learningRate: 1e-4, weightDecay: 0.1)
        return Stopwatch.bestSeconds(minimumSeconds: minimumSeconds) {
            let prediction = model(Variable(noisy), timesteps: timesteps, context: Variable(context))  // [batch, 3, 32, 32]
            let loss = Losses.meanSquaredError(prediction: prediction, target: Variable(noise))
            loss.backward()
            optimizer.step()
            optimizer.clearGradients()
        }
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
