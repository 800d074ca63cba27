import Autograd
import Checkpoint
import Foundation
import Generation
import NN
import Tensor
import TestSupport
import Testing

/// The U-Net and the autoencoder against diffusers (`scripts/fixtures/diffusion.py`, float64
/// references): a tiny `UNet2DConditionModel` (widths 32/64 in groups of 8, a cross-attention down block, a plain
/// down block, their mirrored up blocks, cross-attention over 16-wide context, every parameter
/// perturbed) loaded from the float16 `tiny-sd/unet` folder; its output for two samples at t = 10
/// and t = 981, and the gradients of sum(output · seed) for the inputs and every layer kind, within
/// 1e-4 relative to the reference's largest magnitude. The tiny `AutoencoderKL`'s posterior
/// moments and decoding likewise.
@Suite struct UNetParityTests {
    static let folder = TestPaths.fixture("diffusion", "tiny-sd")
    static let unetFixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("diffusion", "unet.safetensors")).allTensors() }
    static let vaeFixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("diffusion", "vae.safetensors")).allTensors() }
    static let tolerance = Tolerance.relative(1e-4, floor: 1e-6)

    @Test func unetOutputAndGradientsMatchDiffusers() throws {
        let unet = try UNet2DConditionModel(directory: Self.folder.appendingPathComponent("unet"))
        let data = try Self.unetFixture.get()
        let sample = Variable(try #require(data["input.sample"]), requiresGradient: true)
        let context = Variable(try #require(data["input.context"]), requiresGradient: true)
        let timesteps = try #require(data["input.timesteps"]).scalars
        let output = unet(sample, timesteps: timesteps, context: context)
        expectClose(output.value, data["output"], Self.tolerance, "U-Net output")
        (output * Variable(try #require(data["seed"]))).sum().backward()
        expectClose(sample.gradient, data["grad.input.sample"], Self.tolerance, "gradient of the sample")
        expectClose(context.gradient, data["grad.input.context"], Self.tolerance, "gradient of the context")
        let parameters = unet.parameterDictionary
        let checked = data.keys.filter { $0.hasPrefix("grad.") && !$0.hasPrefix("grad.input.") }.sorted()
        #expect(checked.count > 60)
        for key in checked {
            let name = String(key.dropFirst("grad.".count))
            expectClose(parameters[name]?.gradient, data[key], Self.tolerance, "gradient of \(name)")
        }
        let inference = GradientMode.withoutGradients {
            unet(Variable(data["input.sample"]!), timesteps: timesteps, context: Variable(data["input.context"]!))
        }
        expectClose(inference.value, data["output"], Self.tolerance, "U-Net output without a tape")
    }

    @Test func unetParametersCarryDiffusersNames() throws {
        let configuration = try UNet2DConditionConfiguration.load(contentsOf: Self.folder.appendingPathComponent("unet/config.json"))
        let names = Set(UNet2DConditionModel(configuration: configuration).namedParameters.map(\.name))
        for name in ["conv_in.weight", "time_embedding.linear_1.weight", "down_blocks.0.resnets.0.time_emb_proj.weight",
                     "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight",
                     "down_blocks.0.attentions.0.transformer_blocks.0.ff.net.0.proj.weight",
                     "down_blocks.0.downsamplers.0.conv.weight", "mid_block.attentions.0.proj_in.weight",
                     "up_blocks.0.resnets.1.conv_shortcut.weight", "up_blocks.0.upsamplers.0.conv.weight", "conv_norm_out.bias"] {
            #expect(names.contains(name), "\(name)")
        }
    }

    @Test func autoencoderMatchesDiffusers() throws {
        let vae = try AutoencoderKL(directory: Self.folder.appendingPathComponent("vae"))
        #expect(vae.configuration.scalingFactor == 0.18215)
        let data = try Self.vaeFixture.get()
        let posterior = GradientMode.withoutGradients { vae.encode(Variable(data["input.image"]!)) }
        expectClose(posterior.mean.value, data["latent_mean"], Self.tolerance, "posterior mean")
        expectClose(posterior.logVariance.value, data["latent_logvar"], Self.tolerance, "posterior log-variance")
        let decoded = GradientMode.withoutGradients { vae.decode(Variable(data["input.latent"]!)) }
        expectClose(decoded.value, data["decoded"], Self.tolerance, "decoded image")
        // On the tape the same values.
        let taped = vae.decode(Variable(data["input.latent"]!, requiresGradient: true))
        expectClose(taped.value, data["decoded"], Self.tolerance, "decoded image on the tape")
    }

    @Test func aMissingOrWrongTensorIsNamed() throws {
        let directory = Self.folder.appendingPathComponent("unet")
        let configuration = try UNet2DConditionConfiguration.load(contentsOf: directory.appendingPathComponent("config.json"))
        var tensors = try SafetensorsFile(contentsOf: directory.appendingPathComponent("diffusion_pytorch_model.safetensors")).allTensors()
        tensors["mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight"] = nil
        tensors["conv_out.bias"] = Tensor(zeros: [5])
        tensors["down_blocks.0.extra.weight"] = Tensor(zeros: [1])
        let model = UNet2DConditionModel(configuration: configuration)
        do {
            try model.loadWeights(tensors, source: "unet")
            Issue.record("loading should fail")
        } catch let error as WeightLoadingError {
            let text = error.description
            #expect(text.contains("mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight"))
            #expect(text.contains("conv_out.bias"))
            #expect(text.contains("down_blocks.0.extra.weight"))
        }
    }

    @Test func unsupportedConfigurationsAreRejected() {
        for json in [#"{"class_embed_type": "timestep"}"#, #"{"resnet_time_scale_shift": "scale_shift"}"#,
                     #"{"down_block_types": ["SimpleCrossAttnDownBlock2D", "DownBlock2D", "DownBlock2D", "DownBlock2D"]}"#,
                     #"{"addition_embed_type": "text_time"}"#] {
            #expect(throws: DecodingError.self, "\(json)") {
                try JSONDecoder().decode(UNet2DConditionConfiguration.self, from: Data(json.utf8))
            }
        }
    }
}
