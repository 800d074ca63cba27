import ArgumentParser
import Foundation
import Tensor

/// Engine kernels at the sizes a ViT-B/32 meets with a batch of 32 images (50 tokens, width
/// 768, 12 heads, MLP 3072), beside PyTorch (`scripts/bench_reference.py engine`).
struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "sgemm GFLOP/s, LayerNorm/softmax/GELU throughput and a ViT-B/32 transformer block forward.")

    @OptionGroup var options: BenchmarkOptions

    @Option(help: "Square sgemm size.")
    var matrixSize: Int = 2048

    func run() throws {
        options.applyThreads()
        var generator = SeededGenerator(seed: 0)
        let seconds = options.minimumSeconds
        var results: [String: Double] = [:]

        let a = Tensor.randomNormal([matrixSize, matrixSize], generator: &generator)
        let b = Tensor.randomNormal([matrixSize, matrixSize], generator: &generator)
        let matmulTime = Stopwatch.bestSeconds(minimumSeconds: seconds) { blackHole(Tensor.matmul(a, b)) }
        results["sgemm_gflops"] = 2 * pow(Double(matrixSize), 3) / matmulTime / 1e9

        let tokens = 32 * 50, width = 768, heads = 12, hidden = 3072
        let activations = Tensor.randomNormal([tokens, width], generator: &generator)
        let gamma = Tensor.randomNormal([width], generator: &generator), beta = Tensor.randomNormal([width], generator: &generator)
        let layerNormTime = Stopwatch.bestSeconds(minimumSeconds: seconds) {
            blackHole(activations.layerNorm(weight: gamma, bias: beta))
        }
        results["layernorm_melems"] = Double(activations.count) / layerNormTime / 1e6

        let scores = Tensor.randomNormal([32 * heads * 50, 50], generator: &generator)
        let softmaxTime = Stopwatch.bestSeconds(minimumSeconds: seconds) { blackHole(scores.softmax()) }
        results["softmax_melems"] = Double(scores.count) / softmaxTime / 1e6

        let mlpActivations = Tensor.randomNormal([tokens, hidden], generator: &generator)
        let geluTime = Stopwatch.bestSeconds(minimumSeconds: seconds) { blackHole(mlpActivations.gelu()) }
        results["gelu_melems"] = Double(mlpActivations.count) / geluTime / 1e6

        let block = TransformerBlockWeights(width: width, heads: heads, hidden: hidden, generator: &generator)
        let input = Tensor.randomNormal([32, 50, width], generator: &generator)
        let blockTime = Stopwatch.bestSeconds(minimumSeconds: seconds) { blackHole(block.forward(input)) }
        results["block_ms"] = blockTime * 1e3

        var reference: [String: Double] = [:]
        if !options.noReference {
            do {
                reference = try ReferenceRunner.run(
                    script: "bench_reference.py",
                    arguments: ["engine", "--threads", String(options.threads), "--matrix-size", String(matrixSize),
                                "--minimum-seconds", String(seconds)],
                    python: options.python)
            } catch {
                FileHandle.standardError.write(Data("clipkit-bench: \(error)\n".utf8))
            }
        }
        print("engine benchmark, \(options.threads) thread(s)")
        ComparisonRow.printTable([
            ComparisonRow(name: "sgemm \(matrixSize)³", unit: "GFLOP/s", clipkit: results["sgemm_gflops"]!,
                          reference: reference["sgemm_gflops"], higherIsBetter: true),
            ComparisonRow(name: "LayerNorm [1600, 768]", unit: "Melem/s", clipkit: results["layernorm_melems"]!,
                          reference: reference["layernorm_melems"], higherIsBetter: true),
            ComparisonRow(name: "softmax [19200, 50]", unit: "Melem/s", clipkit: results["softmax_melems"]!,
                          reference: reference["softmax_melems"], higherIsBetter: true),
            ComparisonRow(name: "GELU [1600, 3072]", unit: "Melem/s", clipkit: results["gelu_melems"]!,
                          reference: reference["gelu_melems"], higherIsBetter: true),
            ComparisonRow(name: "ViT-B/32 block, batch 32", unit: "ms", clipkit: results["block_ms"]!,
                          reference: reference["block_ms"], higherIsBetter: false),
        ], referenceName: "PyTorch")
    }
}

/// Random weights of one pre-LayerNorm transformer block (CLIP's residual attention block).
struct TransformerBlockWeights {
    let width: Int, heads: Int
    let norm1Weight: Tensor, norm1Bias: Tensor, qkvWeight: Tensor, qkvBias: Tensor, outWeight: Tensor, outBias: Tensor
    let norm2Weight: Tensor, norm2Bias: Tensor, fc1Weight: Tensor, fc1Bias: Tensor, fc2Weight: Tensor, fc2Bias: Tensor

    init(width: Int, heads: Int, hidden: Int, generator: inout SeededGenerator) {
        self.width = width
        self.heads = heads
        let scale = 1 / Float(width).squareRoot()
        norm1Weight = Tensor(repeating: 1, shape: [width]); norm1Bias = Tensor(zeros: [width])
        norm2Weight = Tensor(repeating: 1, shape: [width]); norm2Bias = Tensor(zeros: [width])
        qkvWeight = Tensor.randomNormal([3 * width, width], standardDeviation: scale, generator: &generator)
        qkvBias = Tensor(zeros: [3 * width])
        outWeight = Tensor.randomNormal([width, width], standardDeviation: scale, generator: &generator)
        outBias = Tensor(zeros: [width])
        fc1Weight = Tensor.randomNormal([hidden, width], standardDeviation: scale, generator: &generator)
        fc1Bias = Tensor(zeros: [hidden])
        fc2Weight = Tensor.randomNormal([width, hidden], standardDeviation: scale, generator: &generator)
        fc2Bias = Tensor(zeros: [width])
    }

    /// x + Attn(LN₁(x)), then + MLP(LN₂(·)) for x `[batch, tokens, width]`.
    func forward(_ x: Tensor) -> Tensor {
        let (batch, tokens) = (x.shape[0], x.shape[1])
        let headWidth = width / heads
        let qkv = Tensor.linear(x.layerNorm(weight: norm1Weight, bias: norm1Bias), weight: qkvWeight, bias: qkvBias)
        let split = qkv.reshaped([batch, tokens, 3, heads, headWidth]).permuted([2, 0, 3, 1, 4])  // [3, batch, heads, tokens, headWidth]
        let attended = Tensor.scaledDotProductAttention(query: split[0], key: split[1], value: split[2])
        let merged = attended.permuted([0, 2, 1, 3]).reshaped([batch, tokens, width])
        let afterAttention = x + Tensor.linear(merged, weight: outWeight, bias: outBias)
        let hidden = Tensor.linear(afterAttention.layerNorm(weight: norm2Weight, bias: norm2Bias), weight: fc1Weight, bias: fc1Bias).gelu()
        return afterAttention + Tensor.linear(hidden, weight: fc2Weight, bias: fc2Bias)
    }
}
