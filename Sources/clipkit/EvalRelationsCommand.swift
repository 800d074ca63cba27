import ArgumentParser
import CLIPKit
import Foundation
import Relations

/// `clipkit eval relations`: held-out CLEVR-style scenes, several models side by side.
struct EvalRelationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relations",
        abstract: "Relation accuracy, silhouettes and a t-SNE figure of held-out spatial scenes for one or more models.",
        discussion: """
            Draws --count held-out CLEVR-style scenes (the same as a training run with that --seed draws) and, for each \
            model, reports true/false accuracy (paired and threshold) and the silhouette by spatial configuration of \
            image and text features, overall and per configuration (the mean silhouette of its scenes and the \
            configuration nearest to most of them); --svg writes t-SNE panels of every model's image and text features coloured by \
            configuration (SA-CLIP's Fig. 4). For each diagonal configuration it also prints how the direction between \
            its mean feature and its opposite's relates to its two axes' directions and to the other diagonal's \
            (ConfigurationDirections), in text and image features: whether a diagonal is composed from its axes.
            Example: clipkit eval relations --models runs/saclip-baseline runs/saclip-clevr --svg tsne.svg
            """)

    @Option(parsing: .upToNextOption, help: "Trained sa_clip runs (folders or model.safetensors) or model names.")
    var models: [String]

    @Option(help: "Held-out scenes.")
    var count = 400

    @Option(help: "Seed of the shape–colour split and the scenes (the training run's seed).")
    var seed: UInt64 = 0

    @Option(help: "Scene side in pixels (the training run's).")
    var imageSize = 128

    @Option(help: "Fraction of shape–colour combinations held out (the training run's).")
    var heldOutFraction = 0.25

    @Option(help: "Write the t-SNE figure here.")
    var svg: String?

    @Option(help: "Write the reports as JSON to this file (- for standard output).")
    var json: String?

    func run() throws {
        let (results, figure) = try RelationEvaluationRun.scenes(models: models, count: count, seed: seed, imageSize: imageSize,
                                                                 heldOutFraction: heldOutFraction)
        for result in results {
            print("\(result.label): " + RelationTrainingRun.describe(result.report))
            let accuracies = result.report.groupAccuracy.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f", $0.key, $0.value) }
            print("  paired accuracy by configuration: " + accuracies.joined(separator: ", "))
            if let groups = result.report.textGroupSilhouettes { print("  text silhouette by configuration: " + RelationTrainingRun.describe(groups)) }
            if let groups = result.report.imageGroupSilhouettes { print("  image silhouette by configuration: " + RelationTrainingRun.describe(groups)) }
            for configuration in SpatialConfiguration.allCases {
                for (part, directions) in result.directions[configuration] ?? [] {
                    print("  \(configuration.rawValue), \(part): " + directions.describe(axes: configuration.axes))
                }
            }
        }
        if let svg { try figure.svg().write(toFile: svg, atomically: true, encoding: .utf8) }
        if let json { try writeJSON(Dictionary(uniqueKeysWithValues: results.map { ($0.label, $0.report) }), to: json) }
    }
}
