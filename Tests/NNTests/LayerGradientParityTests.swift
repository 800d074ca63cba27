import Autograd
import Checkpoint
import NN
import Tensor
import TestSupport
import Testing

/// GroupNorm, Upsample, LeakyReLU, Dropout, LSTMCell and ROIAlign against PyTorch and torchvision
/// (`scripts/fixtures/layer_gradients.py`, float64 reference): the output and the gradient of
/// Σ output·seed with respect to every input and parameter within `tolerance · max(1, max |ref|)`,
/// 1e-5 unless a case says otherwise. Parameters load through the layers' PyTorch key names.
@Suite struct LayerGradientParityTests {
    static let fixture = Result {
        try SafetensorsFile(contentsOf: TestPaths.fixture("layer_gradients", "layer_gradients.safetensors"))
    }

    /// Tensors of one case with the `<case>.` prefix removed.
    func tensors(_ name: String) throws -> [String: Tensor] { try Self.fixture.get().tensors(under: name) }

    /// Loads a case's parameters into `layer` strictly (inputs, outputs and gradients ignored).
    func load(_ data: [String: Tensor], into layer: any Module, inputs: [String]) throws {
        let ignored = ["^output$", "^seed$", #"^grad\."#, "^mask$", "^regions$", #"^boxes\d$"#] + inputs.map { "^\($0)$" }
        try StrictWeightLoader(ignoredNames: ignored).load(data, into: layer, source: "layer_gradients")
    }

    /// Runs `forward` on the case's inputs, compares the output, back-propagates the seed and
    /// compares the gradients of the inputs and of `parameters` (by key name).
    func check(_ name: String, inputs: [String], parameters: [(name: String, parameter: Parameter)] = [], tolerance: Float = 1e-5,
               sourceLocation: SourceLocation = #_sourceLocation, _ forward: ([String: Variable]) -> Variable) throws {
        let data = try tensors(name)
        var variables: [String: Variable] = [:]
        for input in inputs { variables[input] = Variable(try #require(data[input], "\(name).\(input)"), requiresGradient: true) }
        let output = forward(variables)
        let expected = try #require(data["output"])
        try #require(output.shape == expected.shape, "\(name): shape \(output.shape), PyTorch \(expected.shape)", sourceLocation: sourceLocation)
        expectClose(output.value, expected, .scaledAboveOne(tolerance), "\(name) output", sourceLocation: sourceLocation)
        let seed: Tensor = try #require(data["seed"])
        output.backward(seed: seed)
        for input in inputs {
            let gradient = try #require(variables[input]?.gradient, "\(name): no gradient for \(input)", sourceLocation: sourceLocation)
            expectClose(gradient, data["grad.\(input)"], .scaledAboveOne(tolerance), "\(name) gradient of \(input)",
                        sourceLocation: sourceLocation)
        }
        for (key, parameter) in parameters {
            let gradient = try #require(parameter.gradient, "\(name): no gradient for \(key)", sourceLocation: sourceLocation)
            expectClose(gradient, data["grad.\(key)"], .scaledAboveOne(tolerance), "\(name) gradient of \(key)",
                        sourceLocation: sourceLocation)
        }
    }

    @Test func groupNormMatchesPyTorch() throws {
        let layer = GroupNorm(groups: 4, channels: 8)
        try load(try tensors("group_norm"), into: layer, inputs: ["input"])
        try check("group_norm", inputs: ["input"], parameters: layer.namedParameters) { layer($0["input"]!) }
        let plain = GroupNorm(groups: 2, channels: 6, epsilon: 1e-3, affine: false)
        #expect(plain.namedParameters.isEmpty)
        try check("group_norm_plain", inputs: ["input"]) { plain($0["input"]!) }
    }

    @Test func nearestUpsamplingMatchesPyTorch() throws {
        try check("nearest_scale2", inputs: ["input"]) { Upsample(size: .scale(2))($0["input"]!) }
        try check("nearest_scale3", inputs: ["input"]) { Upsample(size: .scale(3), mode: .nearest)($0["input"]!) }
        try check("nearest_size", inputs: ["input"]) { Upsample(size: .fixed(height: 7, width: 9))($0["input"]!) }
    }

    @Test func bilinearUpsamplingMatchesPyTorch() throws {
        for aligned in [false, true] {
            let suffix = aligned ? "_aligned" : ""
            let mode = UpsamplingMode.bilinear(alignCorners: aligned)
            try check("bilinear_scale2" + suffix, inputs: ["input"]) { Upsample(size: .scale(2), mode: mode)($0["input"]!) }
            try check("bilinear_size" + suffix, inputs: ["input"]) { Upsample(size: .fixed(height: 7, width: 9), mode: mode)($0["input"]!) }
        }
    }

    @Test func leakyReLUMatchesPyTorch() throws {
        try check("leaky_relu", inputs: ["input"]) { LeakyReLU(negativeSlope: 0.2)($0["input"]!) }
        try check("leaky_relu_default", inputs: ["input"]) { LeakyReLU()($0["input"]!) }
    }

    /// With PyTorch's own mask, output and gradient are x·m/(1 − p) and ∂y·m/(1 − p).
    @Test func dropoutWithAFixedMaskMatchesPyTorch() throws {
        let mask = try #require(try tensors("dropout")["mask"])
        try check("dropout", inputs: ["input"]) { $0["input"]!.droppedOut(keepMask: mask, probability: 0.3) }
        let seed = try #require(try tensors("dropout")["seed"])
        let input = Variable(try #require(try tensors("dropout")["input"]), requiresGradient: true)
        input.droppedOut(keepMask: mask, probability: 0.3).backward(seed: seed)
        let expected = seed * mask * (1 / (1 - 0.3 as Float))
        #expect(try #require(input.gradient).maxAbsoluteDifference(expected) <= 1e-6)
    }

    /// Two steps from a given state; the fixture's output is (h₂, c₂) side by side.
    @Test func lstmCellMatchesPyTorch() throws {
        let cell = LSTMCell(inputSize: 5, hiddenSize: 4)
        try load(try tensors("lstm_cell"), into: cell, inputs: ["input1", "input2", "hidden", "cell_state"])
        try check("lstm_cell", inputs: ["input1", "input2", "hidden", "cell_state"], parameters: cell.namedParameters) { inputs in
            let first = cell(inputs["input1"]!, state: LSTMState(hidden: inputs["hidden"]!, cell: inputs["cell_state"]!))
            let second = cell(inputs["input2"]!, state: first)
            return Variable.concatenate([second.hidden, second.cell], alongAxis: 1)
        }
        let bare = LSTMCell(inputSize: 3, hiddenSize: 2, bias: false)
        try load(try tensors("lstm_cell_nobias"), into: bare, inputs: ["input"])
        try check("lstm_cell_nobias", inputs: ["input"], parameters: bare.namedParameters) { inputs in
            let state = bare(inputs["input"]!)
            return Variable.concatenate([state.hidden, state.cell], alongAxis: 1)
        }
    }

    @Test func roiAlignMatchesTorchvision() throws {
        let cases: [(String, ROIAlign)] = [
            ("roi_align_ratio2", ROIAlign(outputSize: (3, 4), spatialScale: 0.5, samplingRatio: 2, aligned: true)),
            ("roi_align_adaptive", ROIAlign(outputSize: (2, 3), spatialScale: 0.5, samplingRatio: -1, aligned: true)),
            ("roi_align_zero_ratio", ROIAlign(outputSize: (2, 2), spatialScale: 0.5, samplingRatio: 0, aligned: true)),
            ("roi_align_legacy", ROIAlign(outputSize: (3, 3), spatialScale: 0.5, samplingRatio: 2, aligned: false)),
        ]
        for (name, layer) in cases {
            let regions = try #require(try tensors(name)["regions"])
            try check(name, inputs: ["features"]) { layer($0["features"]!, regions: regions) }
        }
        let data = try tensors("roi_align_lists")
        let boxes = [try #require(data["boxes0"]), try #require(data["boxes1"])]
        let layer = ROIAlign(outputSize: (2, 2), spatialScale: 0.5)
        try check("roi_align_lists", inputs: ["features"]) { layer($0["features"]!, boxes: boxes) }
    }
}

/// Inputs the new layers reject stop the process with a message naming the problem.
@Suite struct LayerInputErrorTests {
    @Test func roiAlignRejectsARegionOutsideTheBatch() async {
        await #expect(processExitsWith: .failure) {
            let features = Variable(Tensor(zeros: [1, 2, 4, 4]))
            _ = ROIAlign(outputSize: (2, 2))(features, regions: Tensor(shape: [1, 5], scalars: [1, 0, 0, 2, 2]))
        }
    }

    @Test func groupNormRejectsChannelsThatDoNotDivide() async {
        await #expect(processExitsWith: .failure) {
            _ = Variable(Tensor(zeros: [1, 6, 2])).groupNorm(groups: 4, weight: nil, bias: nil)
        }
    }
}
