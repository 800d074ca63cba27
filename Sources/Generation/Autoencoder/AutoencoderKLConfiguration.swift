import Foundation

/// diffusers' `AutoencoderKL` configuration (`vae/config.json`) under its own key names with
/// diffusers' defaults. Only the plain encoder/decoder blocks (`DownEncoderBlock2D`,
/// `UpDecoderBlock2D`) with SiLU are supported; other settings are rejected on reading.
public struct AutoencoderKLConfiguration: Codable, Sendable, Equatable {
    public var inChannels: Int
    public var outChannels: Int
    public var blockOutChannels: [Int]
    public var layersPerBlock: Int
    public var latentChannels: Int
    public var normGroups: Int
    public var sampleSize: Int?
    /// Latents are multiplied by this before diffusion and divided by it before decoding
    /// (0.18215 for Stable Diffusion 1.x).
    public var scalingFactor: Float
    public var useQuantizationConvolution: Bool
    public var usePostQuantizationConvolution: Bool
    public var midBlockAttention: Bool

    public init(inChannels: Int = 3, outChannels: Int = 3, blockOutChannels: [Int] = [128, 256, 512, 512], layersPerBlock: Int = 2,
                latentChannels: Int = 4, normGroups: Int = 32, sampleSize: Int? = 512, scalingFactor: Float = 0.18215) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = layersPerBlock
        self.latentChannels = latentChannels
        self.normGroups = normGroups
        self.sampleSize = sampleSize
        self.scalingFactor = scalingFactor
        useQuantizationConvolution = true
        usePostQuantizationConvolution = true
        midBlockAttention = true
    }

    /// Stable Diffusion 1.x's autoencoder (84 M parameters, ×8 downsampling to 4 latent channels).
    public static let stableDiffusion = AutoencoderKLConfiguration()

    /// The spatial downsampling factor, 2^(levels − 1).
    public var downsamplingFactor: Int { 1 << (blockOutChannels.count - 1) }

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels", blockOutChannels = "block_out_channels"
        case layersPerBlock = "layers_per_block", latentChannels = "latent_channels", normGroups = "norm_num_groups"
        case sampleSize = "sample_size", scalingFactor = "scaling_factor"
        case useQuantizationConvolution = "use_quant_conv", usePostQuantizationConvolution = "use_post_quant_conv"
        case midBlockAttention = "mid_block_add_attention"
        case downBlockTypes = "down_block_types", upBlockTypes = "up_block_types", activation = "act_fn"
        case shiftFactor = "shift_factor", latentsMean = "latents_mean", latentsStandardDeviation = "latents_std"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = AutoencoderKLConfiguration()
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        func unsupported(_ key: CodingKeys, _ reason: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: reason)
        }
        inChannels = try value(.inChannels, defaults.inChannels)
        outChannels = try value(.outChannels, defaults.outChannels)
        blockOutChannels = try value(.blockOutChannels, [64])
        layersPerBlock = try value(.layersPerBlock, 1)
        latentChannels = try value(.latentChannels, defaults.latentChannels)
        normGroups = try value(.normGroups, defaults.normGroups)
        sampleSize = try container.decodeIfPresent(Int.self, forKey: .sampleSize)
        scalingFactor = try value(.scalingFactor, defaults.scalingFactor)
        useQuantizationConvolution = try value(.useQuantizationConvolution, true)
        usePostQuantizationConvolution = try value(.usePostQuantizationConvolution, true)
        midBlockAttention = try value(.midBlockAttention, true)
        let count = blockOutChannels.count
        if let types = try container.decodeIfPresent([String].self, forKey: .downBlockTypes),
           types.count != count || types.contains(where: { $0 != "DownEncoderBlock2D" }) {
            throw unsupported(.downBlockTypes, "only \(count) DownEncoderBlock2D blocks are supported, got \(types)")
        }
        if let types = try container.decodeIfPresent([String].self, forKey: .upBlockTypes),
           types.count != count || types.contains(where: { $0 != "UpDecoderBlock2D" }) {
            throw unsupported(.upBlockTypes, "only \(count) UpDecoderBlock2D blocks are supported, got \(types)")
        }
        if let activation = try container.decodeIfPresent(String.self, forKey: .activation), !["silu", "swish"].contains(activation) {
            throw unsupported(.activation, "act_fn \(activation) is not supported (silu only)")
        }
        for key in [CodingKeys.shiftFactor, .latentsMean, .latentsStandardDeviation] where container.contains(key) {
            if try !container.decodeNil(forKey: key) { throw unsupported(key, "\(key.stringValue) is not supported") }
        }
        for width in blockOutChannels where width % normGroups != 0 {
            throw unsupported(.normGroups, "block width \(width) does not divide into \(normGroups) groups")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inChannels, forKey: .inChannels)
        try container.encode(outChannels, forKey: .outChannels)
        try container.encode(blockOutChannels, forKey: .blockOutChannels)
        try container.encode(Array(repeating: "DownEncoderBlock2D", count: blockOutChannels.count), forKey: .downBlockTypes)
        try container.encode(Array(repeating: "UpDecoderBlock2D", count: blockOutChannels.count), forKey: .upBlockTypes)
        try container.encode(layersPerBlock, forKey: .layersPerBlock)
        try container.encode(latentChannels, forKey: .latentChannels)
        try container.encode(normGroups, forKey: .normGroups)
        try container.encodeIfPresent(sampleSize, forKey: .sampleSize)
        try container.encode(scalingFactor, forKey: .scalingFactor)
        try container.encode(useQuantizationConvolution, forKey: .useQuantizationConvolution)
        try container.encode(usePostQuantizationConvolution, forKey: .usePostQuantizationConvolution)
        try container.encode(midBlockAttention, forKey: .midBlockAttention)
        try container.encode("silu", forKey: .activation)
    }

    /// Reads `config.json`.
    public static func load(contentsOf url: URL) throws -> AutoencoderKLConfiguration {
        try decodeConfiguration(AutoencoderKLConfiguration.self, contentsOf: url)
    }
}
