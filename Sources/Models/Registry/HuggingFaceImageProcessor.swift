import Foundation
import Imaging

/// The image side of a Hugging Face `preprocessor_config.json` (`CLIPImageProcessor`): shortest
/// edge resize, centre crop, mean and std. Resampling 3 is Pillow's bicubic, the value every
/// CLIP processor uses.
enum HuggingFaceImageProcessor {
    struct Configuration: Decodable {
        struct Size: Decodable {
            let value: Int?
            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let number = try? container.decode(Int.self) {
                    value = number
                } else {
                    let fields = try container.decode([String: Int].self)
                    value = fields["shortest_edge"] ?? fields["height"]
                }
            }
        }
        let crop_size: Size?
        let size: Size?
        let image_mean: [Float]?
        let image_std: [Float]?
        let resample: Int?
    }

    /// The preprocessing of `directory/preprocessor_config.json`, or nil when there is none.
    static func preprocessing(in directory: URL) throws -> Preprocessing? {
        let url = directory.appendingPathComponent("preprocessor_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let configuration = try JSONDecoder().decode(Configuration.self, from: Data(contentsOf: url))
        guard let crop = configuration.crop_size?.value ?? configuration.size?.value else { return nil }
        let filters: [Int: ResamplingFilter] = [0: .nearest, 1: .lanczos, 2: .bilinear, 3: .bicubic, 4: .box, 5: .hamming]
        let resize = configuration.size?.value
        return Preprocessing(imageSize: crop, mean: configuration.image_mean ?? Preprocessing.openAIMean,
                             std: configuration.image_std ?? Preprocessing.openAIStd,
                             interpolation: filters[configuration.resample ?? 3] ?? .bicubic, resizeMode: .shortest,
                             resizeSize: resize == crop ? nil : resize)
    }
}
