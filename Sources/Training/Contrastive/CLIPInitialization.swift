import Foundation
import Models
import NN
import Tensor

/// Random initial weights for a CLIP trained from scratch, following OpenCLIP's
/// `CLIP.init_parameters` (after Radford et al. 2021) from a seeded generator:
///
/// - text tower: token embedding N(0, 0.02²), positions N(0, 0.01²); in each block
///   `in_proj_weight` N(0, w⁻¹), `out_proj.weight` and `c_proj.weight` N(0, w⁻¹·(2L)⁻¹),
///   `c_fc.weight` N(0, (2w)⁻¹); `text_projection` N(0, w⁻¹) (w width, L layers);
/// - ViT: class token, positions and `proj` are w^(−½)·N(0, 1); the patch convolution and the
///   blocks keep PyTorch's defaults (Kaiming-uniform Linear/Conv weights and Linear biases
///   U(±1/√fan_in), Xavier-uniform `in_proj_weight`, zero attention biases);
/// - LayerNorm γ = 1, β = 0; logit scale `logScale`.
public enum CLIPInitialization {
    public static func initialize(_ model: CLIP, logScale: Float = Losses.initialLogScale, generator: inout SeededGenerator) throws {
        guard let vision = model.imageTower as? VisionTransformer else {
            throw TrainingError.invalidConfiguration("clip_from_scratch builds vision-transformer CLIPs only")
        }
        let text = model.configuration.text
        let textWidth = Float(text.width), textLayers = Float(text.layers)
        let visionWidth = Float(vision.configuration.width)
        func normal(_ parameter: Parameter, _ standardDeviation: Float) {
            parameter.value = Tensor.randomNormal(parameter.value.shape, standardDeviation: standardDeviation, generator: &generator)
        }
        func uniform(_ parameter: Parameter, bound: Float) {
            parameter.value = Tensor.randomUniform(parameter.value.shape, lower: -bound, upper: bound, generator: &generator)
        }
        for (name, parameter) in model.namedParameters {
            let shape = parameter.value.shape
            let isVisual = name.hasPrefix("visual.")
            let leaf = isVisual ? String(name.dropFirst("visual.".count)) : name
            switch leaf {
            case "logit_scale": parameter.value = Tensor(scalar: logScale)
            case "token_embedding.weight": normal(parameter, 0.02)
            case "positional_embedding": isVisual ? normal(parameter, 1 / visionWidth.squareRoot()) : normal(parameter, 0.01)
            case "class_embedding", "proj": normal(parameter, 1 / visionWidth.squareRoot())
            case "text_projection": normal(parameter, 1 / textWidth.squareRoot())
            case "conv1.weight": uniform(parameter, bound: 1 / Float(shape[1] * shape[2] * shape[3]).squareRoot())
            default:
                if leaf.hasSuffix(".weight") && shape.count == 1 {
                    parameter.value = Tensor(repeating: 1, shape: shape)  // LayerNorm γ
                } else if leaf.hasPrefix("ln_") || leaf.contains(".ln_") || leaf.hasSuffix("attn.in_proj_bias")
                            || leaf.hasSuffix("attn.out_proj.bias") {
                    parameter.value = Tensor(zeros: shape)  // LayerNorm β, attention biases
                } else if leaf.hasSuffix("attn.in_proj_weight") {
                    if isVisual {
                        uniform(parameter, bound: (6 / Float(shape[0] + shape[1])).squareRoot())
                    } else {
                        normal(parameter, 1 / textWidth.squareRoot())
                    }
                } else if leaf.hasSuffix("attn.out_proj.weight") || leaf.hasSuffix("mlp.c_proj.weight") {
                    if isVisual {
                        uniform(parameter, bound: 1 / Float(shape[1]).squareRoot())
                    } else {
                        normal(parameter, 1 / (textWidth.squareRoot() * (2 * textLayers).squareRoot()))
                    }
                } else if leaf.hasSuffix("mlp.c_fc.weight") {
                    isVisual ? uniform(parameter, bound: 1 / Float(shape[1]).squareRoot())
                        : normal(parameter, 1 / (2 * textWidth).squareRoot())
                } else if leaf.hasSuffix("mlp.c_fc.bias") || leaf.hasSuffix("mlp.c_proj.bias") {
                    // PyTorch's Linear bias: U(±1/√fan_in), fan_in = the weight's input width.
                    let fanIn = leaf.hasSuffix("c_fc.bias") ? (isVisual ? vision.configuration.width : text.width)
                        : (isVisual ? vision.configuration.mlpWidth : text.mlpWidth)
                    uniform(parameter, bound: 1 / Float(fanIn).squareRoot())
                } else {
                    throw TrainingError.invalidConfiguration("no initialisation rule for CLIP parameter \(name)")
                }
            }
        }
    }
}
