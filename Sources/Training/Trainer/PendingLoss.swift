/// The training losses of the steps since the last loss record: their sum (and each stage's) and
/// count. The next record shows their mean; a checkpoint keeps them, so the window continues
/// across a resume.
public struct PendingLoss: Codable, Sendable, Equatable {
    public var sum: Double = 0
    public var count: Int = 0
    public var stageSums: [Double] = []

    public init(stageCount: Int = 0) {
        stageSums = [Double](repeating: 0, count: stageCount)
    }

    mutating func add(_ value: Double, stageLosses: [Double]) {
        sum += value
        count += 1
        if stageSums.count != stageLosses.count { stageSums = [Double](repeating: 0, count: stageLosses.count) }
        for index in stageLosses.indices { stageSums[index] += stageLosses[index] }
    }
}
