import Tensor

/// One training triplet: image indices of an anchor, a positive of the anchor's class and a
/// negative of another class.
public struct TripletIndices: Sendable, Equatable, Codable {
    public var anchor: Int
    public var positive: Int
    public var negative: Int
    public init(anchor: Int, positive: Int, negative: Int) {
        self.anchor = anchor
        self.positive = positive
        self.negative = negative
    }
}

/// Samples triplets from class labels as the fashion notebook's generator does from class folders:
/// an anchor class uniformly among classes with at least two images, two distinct images of it
/// (anchor, positive), and one image of a uniformly chosen other class (negative). For batch-hard
/// and semi-hard mining it draws class-balanced batches instead: P classes × K images.
public struct TripletSampler: Sendable {
    /// Image indices per class.
    public let indicesByClass: [[Int]]
    /// The random state; part of a training checkpoint.
    public var generator: SeededGenerator
    private let anchorClasses: [Int]
    private let nonEmptyClasses: [Int]

    public init(labels: [Int], classCount: Int, generator: SeededGenerator) {
        var byClass = [[Int]](repeating: [], count: classCount)
        for (index, label) in labels.enumerated() { byClass[label].append(index) }
        indicesByClass = byClass
        anchorClasses = byClass.indices.filter { byClass[$0].count >= 2 }
        nonEmptyClasses = byClass.indices.filter { !byClass[$0].isEmpty }
        precondition(!anchorClasses.isEmpty && nonEmptyClasses.count >= 2,
                     "triplets need a class with two images and at least two classes")
        self.generator = generator
    }

    private mutating func uniform(_ upperBound: Int) -> Int { Int(generator.next() % UInt64(upperBound)) }

    /// The next random triplet.
    public mutating func next() -> TripletIndices {
        let anchorClass = anchorClasses[uniform(anchorClasses.count)]
        let members = indicesByClass[anchorClass]
        let anchorSlot = uniform(members.count)
        var positiveSlot = uniform(members.count - 1)
        if positiveSlot >= anchorSlot { positiveSlot += 1 }
        let otherClasses = nonEmptyClasses.filter { $0 != anchorClass }
        let negativeClass = otherClasses[uniform(otherClasses.count)]
        let negatives = indicesByClass[negativeClass]
        return TripletIndices(anchor: members[anchorSlot], positive: members[positiveSlot],
                              negative: negatives[uniform(negatives.count)])
    }

    /// `count` random triplets.
    public mutating func next(_ count: Int) -> [TripletIndices] { (0..<count).map { _ in next() } }

    /// A class-balanced batch: `classes` distinct classes (P) with `perClass` (K) distinct images
    /// each, for online mining. Returns image indices and their labels.
    public mutating func balancedBatch(classes: Int, perClass: Int) -> (indices: [Int], labels: [Int]) {
        var eligible = indicesByClass.indices.filter { indicesByClass[$0].count >= perClass }
        precondition(eligible.count >= classes, "only \(eligible.count) classes have \(perClass) images")
        var indices: [Int] = [], labels: [Int] = []
        for _ in 0..<classes {
            let chosenClass = eligible.remove(at: uniform(eligible.count))
            var members = indicesByClass[chosenClass]
            for _ in 0..<perClass {
                indices.append(members.remove(at: uniform(members.count)))
                labels.append(chosenClass)
            }
        }
        return (indices, labels)
    }
}
