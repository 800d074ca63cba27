import Models
import Tensor

/// Zero-shot classification as in CLIP (Radford et al. 2021, §3.1.4): each label becomes the
/// normalised mean of the normalised embeddings of its prompts (every template filled with the
/// label's name); an image's class probabilities are softmax(logitScale · cos(image, label)).
public struct ZeroShotClassifier {
    public let labels: [String]
    public let templates: [String]
    /// `[labels.count, dimension]`, L2-normalised rows.
    public let labelEmbeddings: Tensor
    public let logitScale: Float

    /// The placeholder a template marks the label's position with.
    public static let placeholder = "{}"

    public init(model: ImageTextModel, labels: [String], templates: [String] = ["{}"]) throws {
        guard !labels.isEmpty else { throw ModelError.invalidOption("zero-shot classification needs at least one label") }
        guard !templates.isEmpty else { throw ModelError.invalidOption("zero-shot classification needs at least one template") }
        for template in templates where !template.contains(Self.placeholder) {
            throw ModelError.invalidOption("template \"\(template)\" has no {} where the label goes")
        }
        let prompts = labels.flatMap { label in templates.map { $0.replacingOccurrences(of: Self.placeholder, with: label) } }
        let embeddings = try model.embed(texts: prompts)  // [labels · templates, d], rows normalised
        let dimension = embeddings.shape[1]
        let perLabel = embeddings.reshaped([labels.count, templates.count, dimension]).mean(alongAxis: 1)
        self.labels = labels
        self.templates = templates
        labelEmbeddings = perLabel.l2NormalizedRows()
        logitScale = model.logitScale
    }

    /// `[images, labels]` probabilities for L2-normalised image embeddings `[images, dimension]`.
    public func probabilities(imageEmbeddings: Tensor) -> Tensor {
        (Tensor.matmul(imageEmbeddings, labelEmbeddings, transposeB: true) * logitScale).softmax()
    }
}
