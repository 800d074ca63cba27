import Autograd
import Checkpoint
import Foundation
import Tensor
import TestSupport
import Testing

/// Outputs and input gradients of every operation against PyTorch (computed in float64 by
/// `scripts/fixtures/ops.py`, stored as float32). Tolerance: max |Δ| ≤ 2e-5 · max(1, max |ref|).
@Suite struct PyTorchParityTests {
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("ops", "ops.safetensors")) }
    static let tolerance = Tolerance.scaledAboveOne(2e-5)

    func check(_ name: String, differentiable: Set<Int>? = nil, sourceLocation: SourceLocation = #_sourceLocation,
               _ function: ([Variable]) -> Variable) throws {
        let file = try Self.fixture.get()
        var inputs: [Tensor] = []
        while let input = try? file.tensor(named: "\(name).in\(inputs.count)") { inputs.append(input) }
        try #require(!inputs.isEmpty, "fixture has no inputs for \(name)")
        let variables = inputs.map { Variable($0, requiresGradient: true) }
        let output = function(variables)
        let expected = try file.tensor(named: "\(name).out")
        try #require(output.shape == expected.shape, "\(name): shape \(output.shape), PyTorch \(expected.shape)")
        expectClose(output.value, expected, Self.tolerance, "\(name) output", sourceLocation: sourceLocation)
        output.backward(seed: try file.tensor(named: "\(name).seed"))
        for (index, variable) in variables.enumerated() {
            guard let reference = try? file.tensor(named: "\(name).grad\(index)") else { continue }
            let gradient = try #require(variable.gradient, "\(name): no gradient for input \(index)", sourceLocation: sourceLocation)
            expectClose(gradient, reference, Self.tolerance, "\(name) gradient \(index)", sourceLocation: sourceLocation)
        }
    }


    @Test func matrixProducts() throws {
        try check("matmul_batched") { Variable.matmul($0[0], $0[1]) }
        try check("matmul_shared") { Variable.matmul($0[0], $0[1]) }
        try check("matmul_transposed") { Variable.matmul($0[0], $0[1], transposeA: true, transposeB: true) }
        try check("linear") { Variable.linear($0[0], weight: $0[1], bias: $0[2]) }
    }

    @Test func broadcastingArithmetic() throws {
        try check("add_broadcast") { $0[0] + $0[1] }
        try check("subtract_broadcast") { $0[0] - $0[1] }
        try check("multiply_broadcast") { $0[0] * $0[1] }
        try check("divide_broadcast") { $0[0] / $0[1] }
    }

    @Test func reductionsAndSoftmax() throws {
        try check("sum_axis") { $0[0].sum(alongAxis: 1) }
        try check("mean_axis") { $0[0].mean(alongAxis: -1, keepingDimension: true) }
        try check("softmax") { $0[0].softmax() }
        try check("log_softmax") { $0[0].logSoftmax() }
    }

    @Test func normalization() throws {
        let file = try Self.fixture.get()
        let mean = try file.tensor(named: "batch_norm.running_mean"), variance = try file.tensor(named: "batch_norm.running_var")
        try check("layer_norm") { $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        try check("batch_norm") { $0[0].batchNorm(runningMean: mean, runningVariance: variance, weight: $0[1], bias: $0[2]) }
    }

    @Test func activations() throws {
        try check("gelu") { $0[0].gelu() }
        try check("gelu_tanh") { $0[0].geluTanh() }
        try check("quick_gelu") { $0[0].quickGELU() }
        try check("relu") { $0[0].relu() }
        try check("relu6") { $0[0].relu6() }
        try check("sigmoid") { $0[0].sigmoid() }
        try check("tanh") { $0[0].tanh() }
        try check("silu") { $0[0].silu() }
        try check("exp") { $0[0].exp() }
        try check("log") { $0[0].log() }
        try check("sqrt") { $0[0].sqrt() }
    }

    @Test func attention() throws {
        try check("attention_causal") {
            Variable.scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], mask: Tensor.causalMask(size: 5))
        }
    }

    @Test func convolutions() throws {
        try check("conv2d") {
            Variable.conv2d($0[0], weight: $0[1], bias: $0[2], geometry: Convolution2DGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1)))
        }
        try check("conv2d_grouped") {
            Variable.conv2d($0[0], weight: $0[1], bias: nil, geometry: Convolution2DGeometry(kernel: (3, 3), padding: (1, 1)), groups: 2)
        }
        try check("conv2d_depthwise") {
            Variable.conv2d($0[0], weight: $0[1], bias: $0[2],
                            geometry: Convolution2DGeometry(kernel: (5, 5), stride: (2, 2), padding: (2, 2)), groups: 4)
        }
        try check("conv2d_dilated") {
            Variable.conv2d($0[0], weight: $0[1], bias: nil,
                            geometry: Convolution2DGeometry(kernel: (3, 3), padding: (2, 2), dilation: (2, 2)))
        }
        try check("conv2d_pointwise") {
            Variable.conv2d($0[0], weight: $0[1], bias: $0[2], geometry: Convolution2DGeometry(kernel: (1, 1)))
        }
    }

    @Test func pooling() throws {
        let window = Convolution2DGeometry(kernel: (3, 3), stride: (2, 2), padding: (1, 1))
        try check("max_pool") { $0[0].maxPool2d(geometry: window) }
        try check("avg_pool") { $0[0].averagePool2d(geometry: window) }
        try check("avg_pool_exclude_padding") { $0[0].averagePool2d(geometry: window, countIncludingPadding: false) }
        try check("global_average_pool") { $0[0].globalAveragePool() }
    }

    @Test func shapesAndEmbedding() throws {
        let indices = try Self.fixture.get().tensor(named: "embedding.indices").scalars.map { Int($0) }
        try check("embedding") { Variable.gather(rowsOf: $0[0], indices: indices) }
        try check("concatenate") { Variable.concatenate($0, alongAxis: 1) }
        try check("narrow") { $0[0].narrowed(alongAxis: 2, start: 1, length: 3) }
        try check("permute") { $0[0].permuted([2, 0, 3, 1]) }
    }
}
