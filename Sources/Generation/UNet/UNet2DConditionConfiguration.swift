import Foundation

/// diffusers' `UNet2DConditionModel` configuration (`unet/config.json`), under its own key names with
/// diffusers' defaults; per-block settings may be one value or one per block, as there.
///
/// Supported: `CrossAttnDownBlock2D` / `DownBlock2D`, `UNetMidBlock2DCrossAttn` (or none),
/// `UpBlock2D` / `CrossAttnUpBlock2D`, positional (sinusoidal) time embeddings, SiLU, convolutional
/// or linear transformer projections. Anything else a file switches on (class or addition
/// embeddings, scale-shift time conditioning, dual or only-cross attention, …) is rejected on
/// reading instead of silently ignored.
///
/// `attention_head_dim` keeps diffusers' historical meaning when `num_attention_heads` is absent:
/// it is the number of heads (Stable Diffusion 1.x: 8 heads at every width).
public struct UNet2DConditionConfiguration: Codable, Sendable, Equatable {
    public var sampleSize: Int?
    public var inChannels: Int
    public var outChannels: Int
    public var flipSinToCos: Bool
    public var frequencyShift: Float
    public var downBlockTypes: [String]
    public var midBlockType: String?
    public var upBlockTypes: [String]
    public var blockOutChannels: [Int]
    public var layersPerBlock: [Int]
    public var downsamplePadding: Int
    public var midBlockScaleFactor: Float
    public var normGroups: Int
    public var normEpsilon: Float
    public var crossAttentionDimension: Int
    public var transformerLayersPerBlock: [Int]
    /// Attention heads per down block (the up blocks use them reversed).
    public var attentionHeads: [Int]
    public var useLinearProjection: Bool
    public var convolutionInKernel: Int
    public var convolutionOutKernel: Int
    public var timeEmbeddingDimension: Int?
    public var dropout: Float
    public var resnetOutputScaleFactor: Float

    public init(sampleSize: Int? = nil, inChannels: Int = 4, outChannels: Int = 4, flipSinToCos: Bool = true,
                frequencyShift: Float = 0,
                downBlockTypes: [String] = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
                midBlockType: String? = "UNetMidBlock2DCrossAttn",
                upBlockTypes: [String] = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
                blockOutChannels: [Int] = [320, 640, 1280, 1280], layersPerBlock: Int = 2, downsamplePadding: Int = 1,
                midBlockScaleFactor: Float = 1, normGroups: Int = 32, normEpsilon: Float = 1e-5,
                crossAttentionDimension: Int = 1280, transformerLayersPerBlock: Int = 1, attentionHeads: Int = 8,
                useLinearProjection: Bool = false, dropout: Float = 0) {
        self.sampleSize = sampleSize
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.flipSinToCos = flipSinToCos
        self.frequencyShift = frequencyShift
        self.downBlockTypes = downBlockTypes
        self.midBlockType = midBlockType
        self.upBlockTypes = upBlockTypes
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = Array(repeating: layersPerBlock, count: blockOutChannels.count)
        self.downsamplePadding = downsamplePadding
        self.midBlockScaleFactor = midBlockScaleFactor
        self.normGroups = normGroups
        self.normEpsilon = normEpsilon
        self.crossAttentionDimension = crossAttentionDimension
        self.transformerLayersPerBlock = Array(repeating: transformerLayersPerBlock, count: blockOutChannels.count)
        self.attentionHeads = Array(repeating: attentionHeads, count: blockOutChannels.count)
        self.useLinearProjection = useLinearProjection
        convolutionInKernel = 3
        convolutionOutKernel = 3
        timeEmbeddingDimension = nil
        self.dropout = dropout
        resnetOutputScaleFactor = 1
    }

    /// Stable Diffusion 1.x's UNet (860 M parameters): widths 320/640/1280/1280, 2 layers per block,
    /// 8 heads, cross-attention over 768-wide CLIP ViT-L/14 token states, 64×64 latents.
    public static let stableDiffusion15 = UNet2DConditionConfiguration(sampleSize: 64, crossAttentionDimension: 768)

    /// Blocks in the down path.
    public var blockCount: Int { blockOutChannels.count }
    /// Width of the time embedding (4 × the first block's width unless set).
    public var timeEmbeddingWidth: Int { timeEmbeddingDimension ?? 4 * blockOutChannels[0] }

    public func hasCrossAttention(downBlock index: Int) -> Bool { downBlockTypes[index] == "CrossAttnDownBlock2D" }
    public func hasCrossAttention(upBlock index: Int) -> Bool { upBlockTypes[index] == "CrossAttnUpBlock2D" }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sampleSize = "sample_size", inChannels = "in_channels", outChannels = "out_channels"
        case flipSinToCos = "flip_sin_to_cos", frequencyShift = "freq_shift"
        case downBlockTypes = "down_block_types", midBlockType = "mid_block_type", upBlockTypes = "up_block_types"
        case blockOutChannels = "block_out_channels", layersPerBlock = "layers_per_block"
        case downsamplePadding = "downsample_padding", midBlockScaleFactor = "mid_block_scale_factor"
        case normGroups = "norm_num_groups", normEpsilon = "norm_eps", crossAttentionDimension = "cross_attention_dim"
        case transformerLayersPerBlock = "transformer_layers_per_block", attentionHeadDimension = "attention_head_dim"
        case attentionHeads = "num_attention_heads", useLinearProjection = "use_linear_projection"
        case convolutionInKernel = "conv_in_kernel", convolutionOutKernel = "conv_out_kernel"
        case timeEmbeddingDimension = "time_embedding_dim", dropout, resnetOutputScaleFactor = "resnet_out_scale_factor"
        case activation = "act_fn"
        // Settings that must keep their defaults (features not implemented).
        case addEmbeddingType = "addition_embed_type", classEmbeddingType = "class_embed_type"
        case encoderHiddenDimensionType = "encoder_hid_dim_type", encoderHiddenDimension = "encoder_hid_dim"
        case timeConditionProjection = "time_cond_proj_dim", resnetTimeScaleShift = "resnet_time_scale_shift"
        case dualCrossAttention = "dual_cross_attention", onlyCrossAttention = "only_cross_attention"
        case centerInputSample = "center_input_sample", timeEmbeddingType = "time_embedding_type"
        case timeEmbeddingActivation = "time_embedding_act_fn", timestepPostActivation = "timestep_post_act"
        case attentionType = "attention_type", crossAttentionNorm = "cross_attention_norm"
        case resnetSkipTimeActivation = "resnet_skip_time_act", numberOfClassEmbeddings = "num_class_embeds"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = UNet2DConditionConfiguration()
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        func unsupported(_ key: CodingKeys, _ reason: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: reason)
        }
        sampleSize = try container.decodeIfPresent(Int.self, forKey: .sampleSize)
        inChannels = try value(.inChannels, defaults.inChannels)
        outChannels = try value(.outChannels, defaults.outChannels)
        flipSinToCos = try value(.flipSinToCos, defaults.flipSinToCos)
        frequencyShift = try value(.frequencyShift, defaults.frequencyShift)
        downBlockTypes = try value(.downBlockTypes, defaults.downBlockTypes)
        midBlockType = container.contains(.midBlockType) ? try container.decodeIfPresent(String.self, forKey: .midBlockType)
            : defaults.midBlockType
        upBlockTypes = try value(.upBlockTypes, defaults.upBlockTypes)
        blockOutChannels = try value(.blockOutChannels, defaults.blockOutChannels)
        let blocks = blockOutChannels.count
        func perBlock(_ key: CodingKeys, _ fallback: Int) throws -> [Int] {
            guard let given = try container.decodeIfPresent(OneOrMany.self, forKey: key) else {
                return Array(repeating: fallback, count: blocks)
            }
            let values = given.values(count: blocks)
            guard values.count == blocks else { throw unsupported(key, "\(values.count) values for \(blocks) blocks") }
            return values
        }
        layersPerBlock = try perBlock(.layersPerBlock, 2)
        downsamplePadding = try value(.downsamplePadding, defaults.downsamplePadding)
        midBlockScaleFactor = try value(.midBlockScaleFactor, defaults.midBlockScaleFactor)
        normGroups = try value(.normGroups, defaults.normGroups)
        normEpsilon = try value(.normEpsilon, defaults.normEpsilon)
        guard let crossDimension = try container.decodeIfPresent(OneOrMany.self, forKey: .crossAttentionDimension)
            .map({ $0.values(count: blocks) }) ?? Optional([defaults.crossAttentionDimension]),
            Set(crossDimension).count == 1 else {
            throw unsupported(.crossAttentionDimension, "per-block cross_attention_dim values are not supported")
        }
        crossAttentionDimension = crossDimension[0]
        transformerLayersPerBlock = try perBlock(.transformerLayersPerBlock, 1)
        // diffusers' historical naming: attention_head_dim is the head count unless num_attention_heads is given.
        if container.contains(.attentionHeads), try container.decodeNil(forKey: .attentionHeads) == false {
            attentionHeads = try perBlock(.attentionHeads, 8)
        } else {
            attentionHeads = try perBlock(.attentionHeadDimension, 8)
        }
        useLinearProjection = try value(.useLinearProjection, defaults.useLinearProjection)
        convolutionInKernel = try value(.convolutionInKernel, 3)
        convolutionOutKernel = try value(.convolutionOutKernel, 3)
        timeEmbeddingDimension = try container.decodeIfPresent(Int.self, forKey: .timeEmbeddingDimension)
        dropout = try value(.dropout, defaults.dropout)
        resnetOutputScaleFactor = try value(.resnetOutputScaleFactor, 1)

        if let activation = try container.decodeIfPresent(String.self, forKey: .activation), !["silu", "swish"].contains(activation) {
            throw unsupported(.activation, "act_fn \(activation) is not supported (silu only)")
        }
        for key in [CodingKeys.addEmbeddingType, .classEmbeddingType, .encoderHiddenDimensionType, .encoderHiddenDimension,
                    .timeConditionProjection, .timeEmbeddingActivation, .timestepPostActivation, .crossAttentionNorm,
                    .numberOfClassEmbeddings] where container.contains(key) {
            if try !container.decodeNil(forKey: key) { throw unsupported(key, "\(key.stringValue) is not supported") }
        }
        for key in [CodingKeys.dualCrossAttention, .centerInputSample, .resnetSkipTimeActivation] {
            if try container.decodeIfPresent(Bool.self, forKey: key) == true { throw unsupported(key, "\(key.stringValue) is not supported") }
        }
        if let only = try? container.decodeIfPresent(OneOrManyBool.self, forKey: .onlyCrossAttention), only.anyTrue {
            throw unsupported(.onlyCrossAttention, "only_cross_attention is not supported")
        }
        for (key, expected) in [(CodingKeys.resnetTimeScaleShift, "default"), (.timeEmbeddingType, "positional"), (.attentionType, "default")] {
            if let given = try container.decodeIfPresent(String.self, forKey: key), given != expected {
                throw unsupported(key, "\(key.stringValue) \(given) is not supported")
            }
        }
        guard blocks >= 1, downBlockTypes.count == blocks, upBlockTypes.count == blocks else {
            throw unsupported(.blockOutChannels, "\(blocks) block widths for \(downBlockTypes.count) down and \(upBlockTypes.count) up blocks")
        }
        for type in downBlockTypes where !["CrossAttnDownBlock2D", "DownBlock2D"].contains(type) {
            throw unsupported(.downBlockTypes, "down block \(type) is not supported")
        }
        for type in upBlockTypes where !["CrossAttnUpBlock2D", "UpBlock2D"].contains(type) {
            throw unsupported(.upBlockTypes, "up block \(type) is not supported")
        }
        if let midBlockType, midBlockType != "UNetMidBlock2DCrossAttn" {
            throw unsupported(.midBlockType, "mid block \(midBlockType) is not supported")
        }
        for width in blockOutChannels where width % normGroups != 0 {
            throw unsupported(.normGroups, "block width \(width) does not divide into \(normGroups) groups")
        }
        for (width, heads) in zip(blockOutChannels, attentionHeads) where heads <= 0 || width % heads != 0 {
            throw unsupported(.attentionHeads, "block width \(width) does not divide into \(heads) heads")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(sampleSize, forKey: .sampleSize)
        try container.encode(inChannels, forKey: .inChannels)
        try container.encode(outChannels, forKey: .outChannels)
        try container.encode(flipSinToCos, forKey: .flipSinToCos)
        try container.encode(frequencyShift, forKey: .frequencyShift)
        try container.encode(downBlockTypes, forKey: .downBlockTypes)
        try container.encode(midBlockType, forKey: .midBlockType)
        try container.encode(upBlockTypes, forKey: .upBlockTypes)
        try container.encode(blockOutChannels, forKey: .blockOutChannels)
        try container.encode(layersPerBlock, forKey: .layersPerBlock)
        try container.encode(downsamplePadding, forKey: .downsamplePadding)
        try container.encode(midBlockScaleFactor, forKey: .midBlockScaleFactor)
        try container.encode(normGroups, forKey: .normGroups)
        try container.encode(normEpsilon, forKey: .normEpsilon)
        try container.encode(crossAttentionDimension, forKey: .crossAttentionDimension)
        try container.encode(transformerLayersPerBlock, forKey: .transformerLayersPerBlock)
        try container.encode(attentionHeads, forKey: .attentionHeads)
        try container.encode(useLinearProjection, forKey: .useLinearProjection)
        try container.encode(convolutionInKernel, forKey: .convolutionInKernel)
        try container.encode(convolutionOutKernel, forKey: .convolutionOutKernel)
        try container.encodeIfPresent(timeEmbeddingDimension, forKey: .timeEmbeddingDimension)
        try container.encode(dropout, forKey: .dropout)
        try container.encode(resnetOutputScaleFactor, forKey: .resnetOutputScaleFactor)
        try container.encode("silu", forKey: .activation)
    }

    /// Reads `config.json`.
    public static func load(contentsOf url: URL) throws -> UNet2DConditionConfiguration {
        try decodeConfiguration(UNet2DConditionConfiguration.self, contentsOf: url)
    }
}

/// A configuration value written as one integer or as a list (diffusers' per-block settings).
struct OneOrMany: Decodable {
    let single: Int?
    let list: [Int]?

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            (single, list) = (value, nil)
        } else {
            (single, list) = (nil, try container.decode([Int].self))
        }
    }

    func values(count: Int) -> [Int] { list ?? Array(repeating: single!, count: count) }
}

/// A flag written as one Boolean or one per block.
struct OneOrManyBool: Decodable {
    let anyTrue: Bool

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { anyTrue = value } else { anyTrue = try container.decode([Bool].self).contains(true) }
    }
}
