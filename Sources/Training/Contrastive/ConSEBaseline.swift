import Evaluation
import Foundation
import Imaging
import Models
import Tensor

/// The default model's zero-shot retrieval on the validation pairs, the "before" of a LiT run on
/// its towers: ConSE (Norouzi et al. 2014) embeds an image as the normalised
/// probability-weighted sum of the sentence embeddings of its `topCount` most probable ImageNet
/// labels (EfficientNet-Lite0 probabilities, all-MiniLM-L6-v2 label embeddings), a caption as
/// its MiniLM embedding; recall is computed as in training validation.
public enum ConSEBaseline {
    public static func recall(configuration: TrainingConfiguration, classifier: EfficientNet, textModel: SentenceTransformer,
                              classNames: [String], topCount: Int = 10,
                              preprocessing: Preprocessing) throws -> RetrievalEvaluationReport? {
        guard let validation = try ContrastiveTraining.loadData(configuration.contrastive, seed: configuration.seed).validation else {
            return nil
        }
        let labelEmbeddings = try textModel.embed(texts: classNames)  // [classes, width], rows normalised
        var source = CaptionedBatchSource(images: validation.images, captions: validation.captions, batchSize: 1,
                                          preprocessing: configuration.contrastive.preprocessing ?? preprocessing, seed: 0)
        var rows: [Tensor] = []
        let count = validation.captions.count
        for start in stride(from: 0, to: count, by: 32) {
            let images = Tensor.stackingImages((start..<min(start + 32, count)).map { source.imageTensor($0, augmented: false) })
            rows.append(ConSE<EfficientNet, SentenceTransformer>.combine(
                probabilities: classifier.classProbabilities(images), labelEmbeddings: labelEmbeddings, topCount: topCount))
        }
        let texts = try textModel.embed(texts: validation.captions)
        return try RetrievalEvaluation.evaluate(pairedImages: Tensor.concatenate(rows, alongAxis: 0), texts: texts,
                                                matchKeys: validation.matchKeys, ks: [1, 5])
    }
}
