import Imaging

/// Hyper-parameters of a residual network as torchvision builds it (He et al. 2016, "Deep Residual
/// Learning for Image Recognition"; torchvision's "v1.5", which strides the 3×3 convolution of a
/// bottleneck instead of its first 1×1).
///
/// Stage s has `layers[s]` blocks — bottlenecks with inner width ⌊planes[s]·widthPerGroup/64⌋·groups,
/// or basic blocks of two 3×3 convolutions — with `planes[s]·expansion` output channels; stages 2–4
/// halve the resolution. Coding keys follow torchvision's
/// `ResNet(block, layers, num_classes, groups, width_per_group)` arguments.
public struct ResNetConfiguration: Codable, Sendable, Equatable {
    /// The residual block of every stage: torchvision's `BasicBlock` (ResNet-18/34) or `Bottleneck`.
    public enum Block: String, Codable, Sendable {
        case basic
        case bottleneck
    }

    /// Blocks per stage (`[3, 4, 6, 3]` for ResNet-50, `[2, 2, 2, 2]` for ResNet-18).
    public var layers: [Int]
    /// The kind of residual block (bottleneck unless decoded or given otherwise).
    public var block: Block
    /// Bottleneck "planes" per stage (torchvision: 64, 128, 256, 512).
    public var planes: [Int]
    /// Output channels of the 7×7 stem convolution (torchvision: 64).
    public var stemWidth: Int
    /// Output channels = planes · expansion (4 for bottlenecks, 1 for basic blocks).
    public var expansion: Int
    /// Groups of the 3×3 convolutions (32 for ResNeXt).
    public var groups: Int
    /// Inner width per group at 64 planes (64 for ResNet, 4 for ResNeXt-32x4d).
    public var widthPerGroup: Int
    /// Classifier outputs, or `nil` (absent when decoding) for a headless feature extractor.
    public var classCount: Int?
    /// ε of every BatchNorm: y = (x − mean)/√(var + ε)·γ + β.
    public var batchNormEpsilon: Float
    /// The image preprocessing of the ImageNet weights.
    public var preprocessing: Preprocessing

    enum CodingKeys: String, CodingKey {
        case layers
        case block
        case planes
        case stemWidth = "stem_width"
        case expansion
        case groups
        case widthPerGroup = "width_per_group"
        case classCount = "num_classes"
        case batchNormEpsilon = "batch_norm_epsilon"
        case preprocessing
    }

    public init(layers: [Int], block: Block = .bottleneck, planes: [Int] = [64, 128, 256, 512], stemWidth: Int = 64,
                expansion: Int? = nil, groups: Int = 1, widthPerGroup: Int = 64, classCount: Int? = 1000,
                batchNormEpsilon: Float = 1e-5, preprocessing: Preprocessing = .torchvisionImageNet) {
        precondition(!layers.isEmpty && layers.count == planes.count && layers.allSatisfy { $0 > 0 },
                     "layers \(layers) and planes \(planes) need one positive entry per stage")
        precondition(block == .bottleneck || (groups == 1 && widthPerGroup == 64),
                     "basic blocks support only groups 1 and width_per_group 64 (torchvision's BasicBlock)")
        self.layers = layers
        self.block = block
        self.planes = planes
        self.stemWidth = stemWidth
        self.expansion = expansion ?? (block == .basic ? 1 : 4)
        self.groups = groups
        self.widthPerGroup = widthPerGroup
        self.classCount = classCount
        self.batchNormEpsilon = batchNormEpsilon
        self.preprocessing = preprocessing
    }

    /// Decodes torchvision's argument names; `block` (`"basic"` or `"bottleneck"`), `planes`,
    /// `stem_width`, `expansion` (1 for basic blocks, 4 for bottlenecks), `groups`,
    /// `width_per_group`, `batch_norm_epsilon` and `preprocessing` default to torchvision's values.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let layers = try container.decode([Int].self, forKey: .layers)
        let planes = try container.decodeIfPresent([Int].self, forKey: .planes) ?? [64, 128, 256, 512]
        guard !layers.isEmpty, layers.count == planes.count, layers.allSatisfy({ $0 > 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .layers, in: container,
                                                   debugDescription: "layers \(layers) and planes \(planes) need one positive entry per stage")
        }
        let block = try container.decodeIfPresent(Block.self, forKey: .block) ?? .bottleneck
        let groups = try container.decodeIfPresent(Int.self, forKey: .groups) ?? 1
        let widthPerGroup = try container.decodeIfPresent(Int.self, forKey: .widthPerGroup) ?? 64
        guard block == .bottleneck || (groups == 1 && widthPerGroup == 64) else {
            throw DecodingError.dataCorruptedError(forKey: .groups, in: container,
                                                   debugDescription: "basic blocks support only groups 1 and width_per_group 64")
        }
        self.init(layers: layers, block: block, planes: planes,
                  stemWidth: try container.decodeIfPresent(Int.self, forKey: .stemWidth) ?? 64,
                  expansion: try container.decodeIfPresent(Int.self, forKey: .expansion),
                  groups: groups, widthPerGroup: widthPerGroup,
                  classCount: try container.decodeIfPresent(Int.self, forKey: .classCount),
                  batchNormEpsilon: try container.decodeIfPresent(Float.self, forKey: .batchNormEpsilon) ?? 1e-5,
                  preprocessing: try container.decodeIfPresent(Preprocessing.self, forKey: .preprocessing) ?? .torchvisionImageNet)
    }

    /// ResNet-18: [2, 2, 2, 2] basic blocks, 512-d pooled features (11.7 M parameters).
    public static let resnet18 = ResNetConfiguration(layers: [2, 2, 2, 2], block: .basic)
    /// ResNet-34: [3, 4, 6, 3] basic blocks.
    public static let resnet34 = ResNetConfiguration(layers: [3, 4, 6, 3], block: .basic)
    /// ResNet-50: [3, 4, 6, 3] bottlenecks, 2048-d pooled features (25.6 M parameters).
    public static let resnet50 = ResNetConfiguration(layers: [3, 4, 6, 3])
    /// ResNet-101: [3, 4, 23, 3] bottlenecks.
    public static let resnet101 = ResNetConfiguration(layers: [3, 4, 23, 3])
    /// ResNet-152: [3, 8, 36, 3] bottlenecks.
    public static let resnet152 = ResNetConfiguration(layers: [3, 8, 36, 3])

    /// Inner (3×3) width of stage `stage`'s bottlenecks: ⌊planes·(widthPerGroup/64)⌋·groups, in
    /// double precision as torchvision computes it.
    public func innerWidth(stage: Int) -> Int {
        Int(Double(planes[stage]) * (Double(widthPerGroup) / 64.0)) * groups
    }

    /// Output channels of stage `stage`.
    public func outputChannels(stage: Int) -> Int { planes[stage] * expansion }

    /// The pooled feature size: the last stage's output channels (2048 for ResNet-50).
    public var featureChannels: Int { outputChannels(stage: planes.count - 1) }
}
