import Autograd
import Checkpoint
import Foundation
import Generation
import NN
import Tensor
import TestSupport
import Testing

/// IP-Adapter against diffusers (`scripts/fixtures/diffusion.py`, float64 references): one
/// decoupled cross-attention layer (`IPAdapterAttnProcessor2_0`, λ = 0.6 and λ = 0), the image
/// projection (`ImageProjection`), and the tiny U-Net with an adapter loaded from the released
/// file layout (`ip-adapter.bin`, a torch pickle, and the flattened `.safetensors`) and two
/// reference images per sample (concatenated token groups), λ = 0.7; within 1e-4 relative.
@Suite struct IPAdapterParityTests {
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("diffusion", "ip_adapter.safetensors")) }
    static let tolerance = Tolerance.relative(1e-4, floor: 1e-6)

    @Test func decoupledCrossAttentionMatchesTheProcessor() throws {
        let data = try Self.fixture.get().tensors(under: "processor")
        let attention = Attention(width: 16, heads: 2, layout: .diffusers, contextWidth: 12)
        try attention.loadWeights(data, mapping: WeightMapping(
            renames: [KeyRule(#"^attention\."#, "")],
            ignoredNames: [#"^attention\.processor\."#, #"^(hidden|context|image_tokens|output|output_scale0)$"#]), source: "processor")
        let layer = IPAdapterAttentionLayer(crossAttentionWidth: 12, width: 16)
        try layer.loadWeights(data, mapping: WeightMapping(
            renames: [KeyRule(#"^attention\.processor\.(to_[kv]_ip)\.0\."#, "$1.")],
            ignoredNames: [#"^attention\.(to_|processor)"#, #"^(hidden|context|image_tokens|output|output_scale0)$"#]),
            source: "processor")
        let hidden = Variable(data["hidden"]!), context = Variable(data["context"]!), tokens = Variable(data["image_tokens"]!)
        let prompt = ImagePromptConditioning(tokens: tokens, scale: 0.6, layers: [layer])
        func run(_ scale: Float) -> Tensor {
            let extra = AdditionalKeysAndValues(keys: layer.keyProjection(tokens), values: layer.valueProjection(tokens), weight: scale)
            return attention(hidden, context: context, additional: [extra]).value
        }
        expectClose(run(prompt.scale), data["output"], Self.tolerance, "λ = 0.6 on the tape")
        expectClose(GradientMode.withoutGradients { run(0.6) }, data["output"], Self.tolerance, "λ = 0.6 without a tape")
        expectClose(run(0), data["output_scale0"], Self.tolerance, "λ = 0")
        expectClose(GradientMode.withoutGradients { attention(hidden, context: context, additional: []).value }, data["output_scale0"],
                    Self.tolerance, "no image prompt")
    }

    @Test func imageProjectionMatchesDiffusers() throws {
        let data = try Self.fixture.get().tensors(under: "projection")
        let projection = ImageProjection(imageEmbeddingWidth: 24, crossAttentionWidth: 12, tokens: 4)
        try projection.loadWeights(data, mapping: WeightMapping(renames: [KeyRule(#"^image_embeds\."#, "proj.")],
                                                                ignoredNames: [#"^(embeds|output)$"#]), source: "projection")
        expectClose(projection(Variable(data["embeds"]!)).value, data["output"], Self.tolerance, "image tokens")
    }

    @Test(arguments: ["ip-adapter.bin", "ip-adapter.safetensors"])
    func unetWithAnAdapterFileMatchesDiffusers(_ file: String) throws {
        let unet = try UNet2DConditionModel(directory: TestPaths.fixture("diffusion", "tiny-sd/unet"))
        let adapter = try IPAdapter.load(contentsOf: TestPaths.fixture("diffusion", file), for: unet)
        #expect(adapter.imageProjection.tokens == 4 && adapter.imageProjection.imageEmbeddingWidth == 24)
        #expect(adapter.namedParameters.map(\.name).filter { $0.hasPrefix("ip_adapter.") }
                    == ["ip_adapter.1.to_k_ip.weight", "ip_adapter.1.to_v_ip.weight", "ip_adapter.3.to_k_ip.weight",
                        "ip_adapter.3.to_v_ip.weight", "ip_adapter.5.to_k_ip.weight", "ip_adapter.5.to_v_ip.weight",
                        "ip_adapter.7.to_k_ip.weight", "ip_adapter.7.to_v_ip.weight"])
        let data = try Self.fixture.get().tensors(under: "unet")
        let prompt = adapter.conditioning(imageEmbeddings: Variable(data["input.image_embeds"]!), scale: 0.7)
        #expect(prompt.tokens.shape == [2, 8, 16])
        let output = GradientMode.withoutGradients {
            unet(Variable(data["input.sample"]!), timesteps: data["input.timesteps"]!.scalars, context: Variable(data["input.context"]!),
                 imagePrompt: prompt)
        }
        expectClose(output.value, data["output"], Self.tolerance, "U-Net with the image prompt")
    }

    @Test func anAdapterFileWithAWrongOrMissingKeyIsNamed() throws {
        let unet = try UNet2DConditionModel(directory: TestPaths.fixture("diffusion", "tiny-sd/unet"))
        var tensors = try SafetensorsFile(contentsOf: TestPaths.fixture("diffusion", "ip-adapter.safetensors")).allTensors()
        tensors["ip_adapter.5.to_v_ip.weight"] = nil
        tensors["ip_adapter.4.to_k_ip.weight"] = Tensor(zeros: [32, 16])
        tensors["image_proj.norm.bias"] = Tensor(zeros: [3])
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("broken.safetensors")
        try SafetensorsFile.write(tensors, to: url)
        do {
            _ = try IPAdapter.load(contentsOf: url, for: unet)
            Issue.record("loading should fail")
        } catch let error as WeightLoadingError {
            #expect(error.description.contains("ip_adapter.5.to_v_ip.weight"))
            #expect(error.description.contains("ip_adapter.4.to_k_ip.weight"))
            #expect(error.description.contains("image_proj.norm.bias"))
        }
    }
}
