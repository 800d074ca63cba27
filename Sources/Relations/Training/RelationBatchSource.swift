import Tensor
import Training

/// One batch of relation-aware training: N shuffled anchors followed by one inter-sample positive
/// for each (another example with the same key, or a random one when the anchor's key is unique),
/// 2N example indices in all, with their keys (Eq. 9 runs over the 2N samples): `keys` for the
/// texts (L_u) and `imageKeys` for the images (L_v), the same unless the images are keyed apart
/// (`single_axis_positives` "scene_for_images"); `imageRows`, the positions in the batch whose
/// images enter L_v (all, unless rows are left out of it: `single_axis_positives` "texts_only").
public struct RelationBatch: Sendable, Equatable {
    public var indices: [Int]
    public var keys: [Int]
    public var imageKeys: [Int]
    public var imageRows: [Int]

    public init(indices: [Int], keys: [Int], imageKeys: [Int]? = nil, imageRows: [Int]? = nil) {
        self.indices = indices
        self.keys = keys
        self.imageKeys = imageKeys ?? keys
        self.imageRows = imageRows ?? Array(indices.indices)
    }
}

/// Seeded batches of anchors and their positives; resumable (shuffle position and the
/// generator that draws positives). Partners are drawn by `keys`; `imageKeys` (default: `keys`)
/// only label the batch's images and `entersImageLoss` (default: every example) only says which
/// of them L_v reads, so the batches are those drawn without them.
public struct RelationBatchSource: BatchSource {
    public struct Position: Codable, Sendable, Equatable {
        public var order: ShuffledBatches.Position
        public var generator: SeededGenerator
    }

    public let keys: [Int]
    public let imageKeys: [Int]
    public let entersImageLoss: [Bool]
    private let members: [Int: [Int]]
    private var order: ShuffledBatches
    private var generator: SeededGenerator

    public init(keys: [Int], imageKeys: [Int]? = nil, entersImageLoss: [Bool]? = nil, anchorsPerBatch: Int, seed: UInt64) {
        precondition(keys.count >= anchorsPerBatch && anchorsPerBatch >= 1, "\(keys.count) examples cannot fill \(anchorsPerBatch) anchors")
        precondition(imageKeys.map { $0.count == keys.count } ?? true, "one image key per example")
        precondition(entersImageLoss.map { $0.count == keys.count } ?? true, "one image-loss flag per example")
        self.keys = keys
        self.imageKeys = imageKeys ?? keys
        self.entersImageLoss = entersImageLoss ?? [Bool](repeating: true, count: keys.count)
        members = Dictionary(grouping: keys.indices, by: { keys[$0] })
        order = ShuffledBatches(count: keys.count, batchSize: anchorsPerBatch, seed: seed)
        generator = SeededGenerator(seed: seed ^ 0x9051_71BE)
    }

    public var batchesPerEpoch: Int { order.batchesPerEpoch }

    public var position: Position {
        get { Position(order: order.position, generator: generator) }
        set {
            order.position = newValue.order
            generator = newValue.generator
        }
    }

    public mutating func nextBatch() -> RelationBatch {
        let anchors = order.next()
        let partners = anchors.map { anchor -> Int in
            let group = members[keys[anchor]] ?? []
            if group.count > 1 {
                var partner = anchor
                while partner == anchor { partner = group[Int(generator.next() % UInt64(group.count))] }
                return partner
            }
            var partner = anchor
            while partner == anchor && keys.count > 1 { partner = Int(generator.next() % UInt64(keys.count)) }
            return partner
        }
        let indices = anchors + partners
        return RelationBatch(indices: indices, keys: indices.map { keys[$0] }, imageKeys: indices.map { imageKeys[$0] },
                             imageRows: indices.indices.filter { entersImageLoss[indices[$0]] })
    }
}
