/// The JSON form of a classification evaluation (`clipkit eval zeroshot --json`): overall top-k
/// accuracy, per-class accuracy and the confusion matrix, with what produced them.
public struct ClassificationReport: Codable, Sendable, Equatable {
    /// One class's result.
    public struct ClassResult: Codable, Sendable, Equatable {
        public var name: String
        /// What the class was called in the prompts (zero-shot), if different from `name`.
        public var prompt: String?
        public var count: Int
        public var top1: Double
    }

    public var model: String
    public var dataset: String
    public var examples: Int
    /// Top-k accuracy keyed by "top1", "top5", ...
    public var accuracy: [String: Double]
    /// Mean of the per-class top-1 accuracies.
    public var balancedAccuracy: Double
    public var classes: [ClassResult]
    /// `confusion[true][predicted]` in class order.
    public var confusion: [[Int]]
    /// Prompt templates (zero-shot), `{}` marking the class name.
    public var templates: [String]
    public var seconds: Double
    public var imagesPerSecond: Double

    public init(model: String, dataset: String, accuracy: ClassificationAccuracy, classNames: [String],
                promptNames: [String]? = nil, templates: [String] = [], seconds: Double) {
        precondition(classNames.count == accuracy.classCount, "\(classNames.count) names for \(accuracy.classCount) classes")
        self.model = model
        self.dataset = dataset
        examples = accuracy.count
        self.accuracy = Dictionary(uniqueKeysWithValues: accuracy.ks.map { ("top\($0)", accuracy.accuracy(k: $0)) })
        balancedAccuracy = accuracy.balancedAccuracy
        let (counts, perClass) = (accuracy.classCounts, accuracy.perClassAccuracy)
        classes = classNames.indices.map { index in
            let prompt = promptNames?[index]
            return ClassResult(name: classNames[index], prompt: prompt == classNames[index] ? nil : prompt,
                               count: counts[index], top1: perClass[index])
        }
        confusion = accuracy.confusion
        self.templates = templates
        self.seconds = seconds
        imagesPerSecond = seconds > 0 ? Double(accuracy.count) / seconds : 0
    }
}
