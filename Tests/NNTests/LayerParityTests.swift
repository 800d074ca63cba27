import Autograd
import Checkpoint
import NN
import Tensor
import TestSupport
import Testing

/// Layers loaded from PyTorch state dicts (`scripts/fixtures/layers.py`) reproduce PyTorch's
/// outputs: max |Δ| ≤ 1e-5 · max(1, max |ref|).
@Suite struct LayerParityTests {
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("layers", "layers.safetensors")) }

    /// Loads the parameters of case `name` into `layer`; returns all of the case's tensors.
    func load(_ name: String, into layer: any Module) throws -> [String: Tensor] {
        let all = try Self.fixture.get().tensors(under: name)
        try layer.loadWeights(all, mapping: WeightMapping(ignoredNames: ["^input$", "^output$", "^mask$"]), source: name)
        return all
    }

    static let tolerance = Tolerance.scaledAboveOne(1e-5)

    @Test func multiheadAttentionMatchesPyTorch() throws {
        let attention = Attention(width: 16, heads: 4, layout: .multiheadAttention)
        let data = try load("attention", into: attention)
        let output = attention(Variable(data["input"]!), mask: data["mask"]!)
        expectClose(output.value, data["output"], Self.tolerance, "attention output")
    }

    @Test func layerNormMatchesPyTorch() throws {
        let layerNorm = LayerNorm(width: 16)
        let data = try load("layer_norm", into: layerNorm)
        expectClose(layerNorm(Variable(data["input"]!)).value, data["output"], Self.tolerance, "layer norm output")
    }

    @Test func convolutionAndBatchNormMatchPyTorch() throws {
        let convolution = Conv2d(inChannels: 3, outChannels: 6, kernelSize: 3, stride: 2, padding: 1)
        let convolutionData = try load("conv", into: convolution)
        expectClose(convolution(Variable(convolutionData["input"]!)).value, convolutionData["output"], Self.tolerance, "convolution output")
        let batchNorm = BatchNorm2d(channels: 6)
        let batchNormData = try load("batch_norm", into: batchNorm)
        expectClose(batchNorm(Variable(batchNormData["input"]!)).value, batchNormData["output"], Self.tolerance, "batch norm output")
    }
}

@Suite struct StrictWeightLoaderTests {
    @Test func reportsMissingUnusedAndWrongShapeByName() throws {
        let linear = Linear(inFeatures: 3, outFeatures: 2)
        let tensors = ["weight": Tensor(zeros: [3, 2]), "extra.scale": Tensor(zeros: [1])]
        do {
            try StrictWeightLoader().load(tensors, into: linear, source: "model.safetensors")
            Issue.record("loading should have failed")
        } catch let error as WeightLoadingError {
            #expect(error == .mismatch(source: "model.safetensors", missing: ["bias", "weight"], unused: ["extra.scale"],
                                       wrongShape: ["weight: checkpoint [3, 2], model [2, 3]"]))
            #expect(error.description.contains("missing from the checkpoint"))
        }
        // Nothing was written into the model.
        #expect(linear.weight.value.scalars == [0, 0, 0, 0, 0, 0])
    }

    @Test func keyRulesRenameInOrder() throws {
        let linear = Linear(inFeatures: 2, outFeatures: 1)
        let tensors = ["module.proj.weight": Tensor(shape: [1, 2], scalars: [3, 4]),
                       "module.proj.bias": Tensor(shape: [1], scalars: [5]),
                       "module.position_ids": Tensor(zeros: [7])]
        let loader = StrictWeightLoader(rules: [KeyRule(#"^module\."#, ""), KeyRule(#"^proj\."#, "")],
                                        ignoredNames: [#"position_ids$"#])
        try loader.load(tensors, into: linear, source: "test")
        #expect(linear.weight.value.scalars == [3, 4] && linear.bias?.value.scalars == [5])
        #expect(try KeyRule(#"^layer\.(\d+)\.w$"#, "blocks.$1.weight").apply(to: "layer.12.w") == "blocks.12.weight")
    }
}
