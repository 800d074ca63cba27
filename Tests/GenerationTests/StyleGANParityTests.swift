import Autograd
import Checkpoint
import Foundation
import Generation
import NN
import Tensor
import TestSupport
import Testing

/// The StyleGAN2 generator and discriminator against the rosinality/stylegan2-pytorch layout
/// (`scripts/fixtures/stylegan2.py`, float64 references of a re-implementation with that
/// repository's names and its pure-PyTorch `upfirdn2d`/`fused_leaky_relu`): a 32×32 generator
/// with style_dim 64, n_mlp 4 and channels 16/16/12/8, every bias and noise strength perturbed,
/// loaded from a `torch.save` file with `g_ema`, `g`, `d` and `latent_avg`; images with the
/// stored noise within 1e-4 of the reference's largest magnitude.
@Suite struct StyleGANParityTests {
    static let checkpointURL = TestPaths.fixture("stylegan2", "tiny.pt")
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("stylegan2", "tiny.safetensors")).allTensors() }
    static let tolerance = Tolerance.relative(1e-4, floor: 1e-6)

    @Test func configurationIsReadOffTheStateDict() throws {
        let checkpoint = try StyleGANCheckpoint(contentsOf: Self.checkpointURL)
        #expect(checkpoint.configuration == StyleGANConfiguration(size: 32, styleDimension: 64, mappingLayers: 4,
                                                                  channels: [16, 16, 12, 8], imageChannels: 3))
        #expect(checkpoint.meanLatent?.shape == [64])
        #expect(checkpoint.discriminator == nil)
    }

    @Test func generatorMatchesRosinality() throws {
        let data = try Self.fixture.get()
        let checkpoint = try StyleGANCheckpoint(contentsOf: Self.checkpointURL)
        let generator = checkpoint.generator
        let mapped = GradientMode.withoutGradients { generator.map(Variable(data["z"]!)) }
        expectClose(mapped.value, data["w"], Self.tolerance, "w = mapping(z)")

        let latent = Variable(try #require(data["w"]), requiresGradient: true)
        let image = generator.synthesize(latent)
        expectClose(image.value, data["image"], Self.tolerance, "image with the stored noise")
        (image * Variable(try #require(data["seed"]))).sum().backward()
        expectClose(latent.gradient, data["grad.w"], Self.tolerance, "gradient of sum(image · seed) for w")

        let truncated = GradientMode.withoutGradients {
            generator(Variable(data["z"]!), truncation: 0.7, mean: checkpoint.meanLatent!)
        }
        expectClose(truncated.value, data["truncated"], Self.tolerance, "image with truncation ψ = 0.7")
    }

    @Test func discriminatorMatchesRosinality() throws {
        let data = try Self.fixture.get()
        let checkpoint = try StyleGANCheckpoint(contentsOf: Self.checkpointURL, includingTraining: true)
        let discriminator = try #require(checkpoint.discriminator)
        #expect(checkpoint.trainingGenerator != nil)
        let logits = GradientMode.withoutGradients { discriminator(Variable(data["image"]!)) }
        expectClose(logits.value, data["logits"], Self.tolerance, "discriminator logits")
    }

    @Test func upsamplingModulatedConvolutionMatchesTheTransposedConvolution() throws {
        let data = try Self.fixture.get()
        let generator = try StyleGANCheckpoint(contentsOf: Self.checkpointURL).generator
        let layer = generator.convolutions[0].convolution
        #expect(layer.upsamples)
        let styles = try #require(data["w"]).narrowed(alongAxis: 0, start: 0, length: 2)
        let output = GradientMode.withoutGradients { layer(Variable(data["layer.input"]!), style: Variable(styles)) }
        expectClose(output.value, data["layer.output"], Self.tolerance, "upsampling modulated convolution")
    }

    /// Eqs. 1–3 by hand: w′ = c·s_i·w, w″ = w′/√(Σw′² + 1e-8), then a direct 3×3 convolution with
    /// zero padding, per sample.
    @Test func modulatedConvolutionDemodulatesLikeTheFormula() {
        var random = SeededGenerator(seed: 3)
        let layer = ModulatedConvolution(inChannels: 2, outChannels: 3, kernelSize: 3, styleDimension: 4, generator: &random)
        layer.modulation.bias.value = Tensor.randomNormal([2], generator: &random)
        let input = Tensor.randomNormal([2, 2, 5, 5], generator: &random)
        let latent = Tensor.randomNormal([2, 4], generator: &random)
        let output = GradientMode.withoutGradients { layer(Variable(input), style: Variable(latent)) }.value
        let kernel = layer.weight.value.scalars, scale = 1 / Float(2 * 9).squareRoot()
        let modulationWeight = layer.modulation.weight.value.scalars, modulationBias = layer.modulation.bias.value.scalars
        var largest: Float = 0
        for sample in 0..<2 {
            // s = A(w): an equalised linear layer with scale 1/√4.
            let style = (0..<2).map { channel in
                (0..<4).reduce(Float(0)) { $0 + latent.scalars[sample * 4 + $1] * modulationWeight[channel * 4 + $1] * 0.5 } + modulationBias[channel]
            }
            for out in 0..<3 {
                var modulated = [Float](repeating: 0, count: 18)
                for channel in 0..<2 { for tap in 0..<9 { modulated[channel * 9 + tap] = scale * style[channel] * kernel[(out * 2 + channel) * 9 + tap] } }
                let norm = (modulated.reduce(0) { $0 + $1 * $1 } + 1e-8).squareRoot()
                for row in 0..<5 {
                    for column in 0..<5 {
                        var sum: Float = 0
                        for channel in 0..<2 {
                            for dy in 0..<3 {
                                for dx in 0..<3 {
                                    let (y, x) = (row + dy - 1, column + dx - 1)
                                    guard (0..<5).contains(y), (0..<5).contains(x) else { continue }
                                    sum += input.scalars[((sample * 2 + channel) * 5 + y) * 5 + x] * modulated[channel * 9 + dy * 3 + dx] / norm
                                }
                            }
                        }
                        largest = max(largest, abs(sum - output.scalars[((sample * 3 + out) * 5 + row) * 5 + column]))
                    }
                }
            }
        }
        #expect(largest < 1e-5, "largest difference \(largest)")
    }

    @Test func aWrongKeyFailsNamingIt() throws {
        #expect {
            _ = try StyleGANCheckpoint(contentsOf: TestPaths.fixture("stylegan2", "wrong-key.pt"))
        } throws: { error in
            let text = "\(error)"
            return text.contains("conv1.noise.weight") && text.contains("conv1.noise.strength")
        }
    }

    @Test func aTruncatedCheckpointGivesAClearError() throws {
        let folder = try TemporaryFolder()
        let bytes = try Data(contentsOf: Self.checkpointURL)
        let url = try folder.write(bytes.prefix(bytes.count / 2), to: "truncated.pt")
        #expect {
            _ = try StyleGANCheckpoint(contentsOf: url)
        } throws: { error in
            guard case let GenerationError.invalidConfiguration(source, reason) = error else { return false }
            return source == url.path && reason.contains("not a readable StyleGAN2 checkpoint")
        }
    }

    @Test func ownGeneratorNamesAreRosinalitys() throws {
        var random = SeededGenerator(seed: 1)
        let configuration = StyleGANConfiguration(size: 32, styleDimension: 64, mappingLayers: 4, channels: [16, 16, 12, 8])
        let names = Set(StyleGANGenerator(configuration: configuration, generator: &random).namedParameters.map(\.name))
        let reference = Set(try TorchCheckpoint(contentsOf: Self.checkpointURL).tensors(under: "g_ema").keys)
        #expect(names == reference)
    }
}
