import Datasets
import Evaluation
import Foundation
import Models
import Relations
import Tensor

/// The evaluations of relation-aware CLIP for `clipkit eval vsr|anomaly|relations`: models
/// resolved by `RelationAwareCLIP.evaluationModel` (a trained `sa_clip` run or any registry model
/// as a plain dual encoder), image and region features computed once per data set.
public enum RelationEvaluationRun {
    /// True/false accuracy on a Visual Spatial Reasoning JSON-lines file (boxes from the file,
    /// else the whole image), triples mined with link grammar; lines without a triple are skipped.
    public static func vsr(model reference: String, options: ModelOptions = ModelOptions(), data: URL, images: URL?, devFraction: Double,
                           regionMargin: Double = 0.15, progress: ((Int, Int) -> Void)? = nil) throws -> (report: RelationEvaluation.Report, skipped: Int) {
        let model = try RelationAwareCLIP.evaluationModel(reference, options: options)
        let miner = try RelationMiner.installed()
        let lines = try VisualSpatialReasoning(contentsOf: data).examples.count
        let examples = try RelationData.examples(fromVSR: data, imageRoot: images, miner: miner)
        let features = try RelationImageFeatures.compute(examples, encoder: model.imageEncoder, preprocessing: model.preprocessing,
                                                         regionMargin: regionMargin, progress: progress)
        let report = try RelationEvaluation.report(examples: examples,
                                                   features: try RelationEvaluation.features(model: model, examples: examples, imageFeatures: features),
                                                   devFraction: devFraction)
        return (report, lines - examples.count)
    }

    /// Anomaly scores (Eq. 11) of `count` held-out traffic frames drawn from `seed`.
    public static func anomaly(model reference: String, options: ModelOptions = ModelOptions(), count: Int, seed: UInt64, imageSize: Int,
                               cyclistLaneCar: Bool = false, regionMargin: Double = 0.15, progress: ((Int, Int) -> Void)? = nil)
        throws -> (report: AnomalyScoring.Report, frames: [AnomalyScoring.FrameScore]) {
        let model = try RelationAwareCLIP.evaluationModel(reference, options: options)
        let traffic = TrafficScenes(imageSize: imageSize, seed: seed, cyclistLaneCar: cyclistLaneCar)
        let frames = traffic.scenes(count, split: .heldOut, seed: seed &+ 4).map(traffic.frame)
        let scores = try AnomalyScoring.score(model: model, frames: frames, anomalyDescriptions: traffic.frameAnomalyDescriptions,
                                              normalDescriptions: traffic.frameNormalDescriptions, miner: try RelationMiner.installed(),
                                              regionMargin: regionMargin, progress: progress)
        return (try AnomalyScoring.report(scores), scores)
    }

    /// One model's numbers on held-out spatial scenes, with the t-SNE panels of its image and text features.
    public struct SceneResult: Sendable {
        public var label: String
        public var report: RelationEvaluation.Report
        public var imagePanel: EmbeddingScatterPlot.Panel
        public var textPanel: EmbeddingScatterPlot.Panel
        /// For each diagonal configuration, how its direction relates to its axes' in text and
        /// image features, whole and relation halves ("text", "text relation half", "image", …).
        public var directions: [SpatialConfiguration: [(part: String, directions: ConfigurationDirections)]] = [:]
    }

    /// Every model on the same `count` held-out spatial scenes (seed, image size and held-out
    /// fraction as in training): accuracy, silhouettes and t-SNE (perplexity 30, seeded) of
    /// image and text features coloured by configuration; the figure puts the models' panels side by side.
    public static func scenes(models references: [String], count: Int, seed: UInt64, imageSize: Int, heldOutFraction: Double,
                              regionMargin: Double = 0.15, progress: ((String, Int, Int) -> Void)? = nil) throws
        -> (results: [SceneResult], figure: EmbeddingScatterPlot) {
        let spatial = SpatialScenes(imageSize: imageSize, heldOutFraction: heldOutFraction, seed: seed)
        let examples = try spatial.examples(spatial.scenes(count, split: .heldOut, seed: seed &+ 2))
        let configurations = SpatialConfiguration.allCases.map(\.rawValue)
        let groups = examples.map { configurations.firstIndex(of: $0.group ?? "") ?? -1 }
        var results: [SceneResult] = []
        for reference in references {
            let model = try RelationAwareCLIP.evaluationModel(reference)
            let imageFeatures = try RelationImageFeatures.compute(examples, encoder: model.imageEncoder, preprocessing: model.preprocessing,
                                                                  regionMargin: regionMargin, progress: { progress?(reference, $0, $1) })
            let features = try RelationEvaluation.features(model: model, examples: examples, imageFeatures: imageFeatures)
            let report = try RelationEvaluation.report(examples: examples, features: features)
            let tsne = TSNE(perplexity: 30)
            let imagePoints = try tsne.embed(features.images, seed: seed).embedding
            let textPoints = try tsne.embed(features.texts, seed: seed).embedding
            let label = URL(fileURLWithPath: reference).lastPathComponent
            let names = examples.map(\.group)
            var directions: [SpatialConfiguration: [(part: String, directions: ConfigurationDirections)]] = [:]
            for configuration in SpatialConfiguration.allCases where configuration.axes.count == 2 {
                var parts: [(String, Tensor, Range<Int>?)] = [("text", features.texts, nil), ("image", features.images, nil)]
                if let columns = features.relationColumns {
                    parts += [("text relation half", features.texts, columns), ("image relation half", features.images, columns)]
                }
                directions[configuration] = parts.compactMap { part, rows, columns in
                    ConfigurationDirections.measure(configuration, rows: rows, groups: names, columns: columns).map { (part, $0) }
                }
            }
            results.append(SceneResult(
                label: label, report: report,
                imagePanel: .init(title: "\(label): image features v", subtitle: String(format: "silhouette %.3f", report.imageSilhouette ?? .nan),
                                  points: imagePoints, groups: groups),
                textPanel: .init(title: "\(label): text features u", subtitle: String(format: "silhouette %.3f", report.textSilhouette ?? .nan),
                                 points: textPoints, groups: groups),
                directions: directions))
        }
        let figure = EmbeddingScatterPlot(title: "t-SNE of held-out scenes by spatial configuration", groupNames: configurations,
                                          panels: results.flatMap { [$0.imagePanel, $0.textPanel] }, columns: 2)
        return (results, figure)
    }
}
