import Foundation
import Imaging

/// `open_clip_config.json` of an OpenCLIP repository on the Hugging Face hub: `model_cfg` (the
/// model description) and `preprocess_cfg` (open_clip's `PreprocessCfg`, every field optional:
/// size, mean, std, interpolation, resize_mode; missing ones take open_clip's defaults, which are
/// OpenAI's transform at the model's image size).
struct OpenCLIPHubConfiguration: Decodable {
    struct PreprocessFields: Decodable {
        let size: Int?
        let mean: [Float]?
        let std: [Float]?
        let interpolation: ResamplingFilter?
        let resize_mode: ResizeMode?
    }

    let model: OpenCLIPModelConfiguration
    let preprocessFields: PreprocessFields?

    enum CodingKeys: String, CodingKey {
        case model = "model_cfg", preprocessFields = "preprocess_cfg"
    }

    init(contentsOf url: URL) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(contentsOf: url))
    }

    /// The preprocessing for a model whose image tower takes `imageSize` pixels.
    func preprocessing(imageSize: Int, source: String) throws -> Preprocessing {
        let fields = preprocessFields
        let mean = fields?.mean ?? Preprocessing.openAIMean, std = fields?.std ?? Preprocessing.openAIStd
        guard mean.count == 3, std.count == 3, std.allSatisfy({ $0 != 0 }) else {
            throw ModelError.unsupportedConfiguration(source: source, reason: "preprocess_cfg mean/std must be 3 values each, std non-zero")
        }
        return Preprocessing(imageSize: fields?.size ?? imageSize, mean: mean, std: std,
                             interpolation: fields?.interpolation ?? .bicubic, resizeMode: fields?.resize_mode ?? .shortest)
    }
}
