import ArgumentParser
import Autograd
import Foundation
import Tensor

/// Forward + backward of the generative and relational layers at sizes their systems meet
/// (a StyleGAN/U-Net feature map, a ROI head over a ViT-B/16 patch grid, a captioner's LSTM),
/// beside PyTorch (`scripts/bench_reference.py layers`). Each measurement is one forward and one
/// backward from a fixed seed gradient.
struct LayersBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "GroupNorm, upsampling, LeakyReLU, dropout, ROI-align and LSTM cell: forward + backward milliseconds.")

    @OptionGroup var options: BenchmarkOptions

    func run() throws {
        ThreadPolicy.threadCount = options.threads
        var generator = SeededGenerator(seed: 0)
        let seconds = options.minimumSeconds
        var results: [String: Double] = [:]

        /// Best milliseconds of forward + backward from a ones seed.
        func time(_ inputs: [Tensor], _ forward: @escaping ([Variable]) -> Variable) -> Double {
            let seed = Tensor(repeating: 1, shape: GradientMode.withoutGradients { forward(inputs.map { Variable($0) }).shape })
            return Stopwatch.bestSeconds(minimumSeconds: seconds) {
                let variables = inputs.map { Variable($0, requiresGradient: true) }
                forward(variables).backward(seed: seed)
                blackHole(variables.map(\.gradient))
            } * 1e3
        }

        let featureMap = Tensor.randomNormal([8, 256, 32, 32], generator: &generator)  // [batch, channels, height, width]
        let gamma = Tensor.randomNormal([256], generator: &generator), beta = Tensor.randomNormal([256], generator: &generator)
        results["group_norm_ms"] = time([featureMap, gamma, beta]) { $0[0].groupNorm(groups: 32, weight: $0[1], bias: $0[2]) }
        results["leaky_relu_ms"] = time([featureMap]) { $0[0].leakyReLU(negativeSlope: 0.2) }
        var stream = CounterBasedGenerator(seed: 1)
        results["dropout_ms"] = time([featureMap]) { $0[0].dropout(probability: 0.1, generator: &stream) }

        let smallMap = Tensor.randomNormal([8, 128, 32, 32], generator: &generator)
        results["nearest_2x_ms"] = time([smallMap]) { $0[0].upsampled(scale: 2, mode: .nearest) }
        results["bilinear_2x_ms"] = time([smallMap]) { $0[0].upsampled(scale: 2, mode: .bilinear(alignCorners: false)) }

        // ViT-B/16 patch grid of 4 images (14×14, width 768), 16 boxes each in 224-pixel coordinates.
        let grid = Tensor.randomNormal([4, 768, 14, 14], generator: &generator)
        let regions = Self.regions(images: 4, perImage: 16)
        let geometry = ROIAlignGeometry(outputHeight: 7, outputWidth: 7, spatialScale: 1.0 / 16, samplingRatio: 2)
        results["roi_align_ms"] = time([grid]) { $0[0].roiAlign(regions: regions, geometry: geometry) }

        let batch = 64, width = 512
        let lstmInputs = [[batch, width], [batch, width], [batch, width], [4 * width, width], [4 * width, width], [4 * width], [4 * width]]
            .map { Tensor.randomNormal($0, standardDeviation: 0.05, generator: &generator) }
        results["lstm_cell_ms"] = time(lstmInputs) { v in
            let (hidden, cell) = Variable.lstmCell(input: v[0], hidden: v[1], cell: v[2], weightInput: v[3], weightHidden: v[4],
                                                   biasInput: v[5], biasHidden: v[6])
            return Variable.concatenate([hidden, cell], alongAxis: 1)
        }

        var reference: [String: Double] = [:]
        if !options.noReference {
            do {
                reference = try ReferenceRunner.run(
                    script: "bench_reference.py",
                    arguments: ["layers", "--threads", String(options.threads), "--minimum-seconds", String(seconds)],
                    python: options.python)
            } catch {
                FileHandle.standardError.write(Data("clipkit-bench: \(error)\n".utf8))
            }
        }
        print("layers benchmark (forward + backward), \(options.threads) thread(s)")
        let rows: [(String, String)] = [
            ("group_norm_ms", "GroupNorm 32 groups [8, 256, 32, 32]"), ("leaky_relu_ms", "LeakyReLU [8, 256, 32, 32]"),
            ("dropout_ms", "dropout p=0.1 [8, 256, 32, 32]"), ("nearest_2x_ms", "nearest 2× [8, 128, 32, 32]"),
            ("bilinear_2x_ms", "bilinear 2× [8, 128, 32, 32]"), ("roi_align_ms", "ROI-align 64 boxes 7×7 [4, 768, 14, 14]"),
            ("lstm_cell_ms", "LSTM cell batch 64, 512 → 512"),
        ]
        ComparisonRow.printTable(rows.map { key, name in
            ComparisonRow(name: name, unit: "ms", clipkit: results[key]!, reference: reference[key], higherIsBetter: false)
        }, referenceName: "PyTorch")
    }

    /// Deterministic boxes (batch index, x₁, y₁, x₂, y₂) spread over a 224-pixel image; the
    /// reference script builds the same list.
    static func regions(images: Int, perImage: Int) -> Tensor {
        var scalars: [Float] = []
        for image in 0..<images {
            for box in 0..<perImage {
                let x = Float((box * 37 + image * 11) % 160), y = Float((box * 53 + image * 7) % 160)
                let width = Float(32 + (box * 17) % 64), height = Float(32 + (box * 29) % 64)
                scalars += [Float(image), x, y, x + width, y + height]
            }
        }
        return Tensor(shape: [images * perImage, 5], scalars: scalars)
    }
}
