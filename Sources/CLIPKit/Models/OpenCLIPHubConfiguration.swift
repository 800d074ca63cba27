import Foundation
import Imaging
import Models

/// `open_clip_config.json` of an OpenCLIP repository on the Hugging Face hub: `model_cfg` (the
/// model description) and `preprocess_cfg` (open_clip's `PreprocessCfg`: size, mean, std,
/// interpolation, resize_mode).
struct OpenCLIPHubConfiguration: Decodable {
    let model: OpenCLIPModelConfiguration
    let preprocessing: Preprocessing?

    enum CodingKeys: String, CodingKey {
        case model = "model_cfg", preprocessing = "preprocess_cfg"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(OpenCLIPModelConfiguration.self, forKey: .model)
        // A preprocess_cfg with fields we cannot read falls back to the OpenAI transform.
        preprocessing = try? container.decodeIfPresent(Preprocessing.self, forKey: .preprocessing)
    }

    init(contentsOf url: URL) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(contentsOf: url))
    }
}
