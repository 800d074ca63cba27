import Autograd
import Checkpoint
import NN
import Tensor
import TestSupport
import Testing

/// `Attention` against PyTorch in the layouts the transformer blocks do not already cover
/// (`scripts/fixtures/attention.py`, float64 references): diffusers' cross-attention whose context
/// is narrower than the queries (bias-free `to_q`/`to_k`/`to_v`, `to_out.0`), and
/// `nn.MultiheadAttention`'s packed projection attending over another sequence with a key-padding
/// mask. Output and the gradients of the queries, the context and every parameter within
/// 1e-5 · max(1, max |ref|).
@Suite struct AttentionParityTests {
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("attention", "attention.safetensors")) }

    static let tolerance = Tolerance.scaledAboveOne(1e-5)

    func check(_ name: String, _ attention: Attention) throws {
        let data = try Self.fixture.get().tensors(under: name)
        try attention.loadWeights(data, mapping: WeightMapping(ignoredNames: [#"^(input|context|seed|output|mask)$"#, #"^grad\."#]),
                                  source: name)
        let query = Variable(data["input"]!, requiresGradient: true)
        let context = Variable(data["context"]!, requiresGradient: true)
        let output = attention(query, context: context, mask: data["mask"])
        expectClose(output.value, data["output"], Self.tolerance, "\(name) output")
        (output * Variable(data["seed"]!)).sum().backward()
        expectClose(query.gradient, data["grad.input"], Self.tolerance, "\(name) query gradient")
        expectClose(context.gradient, data["grad.context"], Self.tolerance, "\(name) context gradient")
        for (parameterName, parameter) in attention.namedParameters {
            expectClose(parameter.gradient, data["grad." + parameterName], Self.tolerance, "\(name) gradient of \(parameterName)")
        }
        // Without a tape the same layer gives the same values.
        let inference = GradientMode.withoutGradients { attention(Variable(data["input"]!), context: Variable(data["context"]!), mask: data["mask"]) }
        expectClose(inference.value, data["output"], Self.tolerance, "\(name) output without a tape")
    }

    @Test func diffusersCrossAttentionWithANarrowerContext() throws {
        let attention = Attention(width: 16, heads: 3, layout: .diffusers, contextWidth: 12, innerWidth: 24)
        #expect(attention.namedParameters.map(\.name) == ["to_q.weight", "to_k.weight", "to_v.weight", "to_out.0.weight", "to_out.0.bias"])
        try check("diffusers_cross", attention)
    }

    @Test func packedProjectionAttendingOverAnotherSequence() throws {
        let attention = Attention(width: 16, heads: 4, layout: .multiheadAttention)
        #expect(attention.namedParameters.map(\.name) == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
        try check("packed_cross", attention)
    }

    @Test func separateProjectionsWithoutOutputReturnTheConcatenatedHeads() {
        let attention = Attention(width: 8, heads: 2, layout: .bert)
        #expect(attention.namedParameters.map(\.name) == ["query.weight", "query.bias", "key.weight", "key.bias", "value.weight", "value.bias"])
        #expect(attention.outputProjection == nil)
        let output = attention(Variable(Tensor(zeros: [1, 3, 8])))
        #expect(output.shape == [1, 3, 8])
    }
}
