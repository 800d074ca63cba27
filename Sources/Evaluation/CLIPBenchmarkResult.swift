import Foundation

/// One result in the JSON layout of CLIP_benchmark (LAION's `clip_benchmark eval --output`), so
/// CLIPKit's evaluations merge into CLIP_benchmark tables (`clip_benchmark build *.json`):
///
///     {"dataset": "cifar10", "model": "ViT-B-32", "pretrained": "openai",
///      "task": "zeroshot_classification", "language": "en",
///      "metrics": {"acc1": 0.89, "acc5": 0.99, "mean_per_class_recall": 0.89}}
///
/// Zero-shot classification reports `acc1`, `acc5` (null with fewer than five classes) and
/// `mean_per_class_recall`; zero-shot retrieval `image_retrieval_recall@K` (text queries, images
/// retrieved) and `text_retrieval_recall@K` (image queries, texts retrieved).
public struct CLIPBenchmarkResult: Codable, Sendable, Equatable {
    public enum Task: String, Codable, Sendable {
        case zeroshotClassification = "zeroshot_classification"
        case zeroshotRetrieval = "zeroshot_retrieval"
    }

    public var dataset: String
    public var model: String
    public var pretrained: String
    public var task: Task
    /// Metric name → value (nil encodes as null, as CLIP_benchmark writes a missing acc5).
    public var metrics: [String: Double?]
    public var language: String

    public init(dataset: String, model: String, pretrained: String, task: Task, metrics: [String: Double?], language: String = "en") {
        self.dataset = dataset
        self.model = model
        self.pretrained = pretrained
        self.task = task
        self.metrics = metrics
        self.language = language
    }

    /// A zero-shot classification result.
    public init(classification accuracy: ClassificationAccuracy, dataset: String, model: String, pretrained: String) {
        let ks = Set(accuracy.ks)
        self.init(dataset: dataset, model: model, pretrained: pretrained, task: .zeroshotClassification, metrics: [
            "acc1": ks.contains(1) ? accuracy.accuracy(k: 1) : nil,
            "acc5": ks.contains(5) ? accuracy.accuracy(k: 5) : nil,
            "mean_per_class_recall": accuracy.balancedAccuracy,
        ])
    }

    /// A zero-shot retrieval result, one pair of metrics per K of the report.
    public init(retrieval report: RetrievalEvaluationReport, dataset: String, model: String, pretrained: String) {
        var metrics: [String: Double?] = [:]
        for (k, value) in report.textToImage.recall { metrics["image_retrieval_recall@\(k)"] = value }
        for (k, value) in report.imageToText.recall { metrics["text_retrieval_recall@\(k)"] = value }
        self.init(dataset: dataset, model: model, pretrained: pretrained, task: .zeroshotRetrieval, metrics: metrics)
    }

    /// The JSON, keys sorted, slashes unescaped.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    enum CodingKeys: String, CodingKey { case dataset, model, pretrained, task, metrics, language }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dataset, forKey: .dataset)
        try container.encode(model, forKey: .model)
        try container.encode(pretrained, forKey: .pretrained)
        try container.encode(task, forKey: .task)
        try container.encode(language, forKey: .language)
        var values = container.nestedContainer(keyedBy: DynamicCodingKey.self, forKey: .metrics)
        for (name, value) in metrics {
            if let value { try values.encode(value, forKey: DynamicCodingKey(name)) } else { try values.encodeNil(forKey: DynamicCodingKey(name)) }
        }
    }
}
