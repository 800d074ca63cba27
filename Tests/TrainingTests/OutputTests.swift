import Datasets
import Foundation
import Models
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import Testing
@testable import Training

@Suite struct MetricsOutputTests {
    static func history() -> MetricsHistory {
        var history = MetricsHistory(validationNames: ["triplet_accuracy", "recall_at_1"])
        for step in stride(from: 10, through: 100, by: 10) {
            history.records.append(MetricsRecord(step: step, epoch: step / 50, learningRate: 1e-4,
                                                 trainingLoss: 2 / Double(step), elapsedSeconds: Double(step)))
            if step % 50 == 0 {
                history.records.append(MetricsRecord(step: step, epoch: step / 50, learningRate: 1e-4, trainingLoss: nil,
                                                     validation: ["triplet_accuracy": 0.8 + Double(step) / 1000, "recall_at_1": 0.7],
                                                     elapsedSeconds: Double(step)))
            }
        }
        return history
    }

    @Test func csvHasOneRowPerRecord() {
        let lines = Self.history().csv().split(separator: "\n")
        #expect(lines[0] == "step,epoch,learning_rate,training_loss,elapsed_seconds,triplet_accuracy,recall_at_1")
        #expect(lines.count == 13)
        #expect(lines[1] == "10,0,0.0001,0.200000,10.00,,")
        #expect(lines[6] == "50,1,0.0001,,50.00,0.850000,0.700000")
    }

    @Test func plotIsWellFormedSVGWithEverySeries() throws {
        let svg = MetricsPlot(title: "Test <run>", validationScoreNames: ["triplet_accuracy", "recall_at_1"]).svg(Self.history())
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "SVG does not parse: \(String(describing: parser.parserError))")
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 3)
        #expect(svg.contains("Test &lt;run&gt;") && svg.contains("triplet accuracy") && svg.contains("training loss"))
        // Markers for the two validation points of each score series.
        #expect(svg.components(separatedBy: "<circle").count - 1 == 4)
    }

    @Test func niceTicksCoverTheRange() {
        #expect(MetricsPlot.niceTicks(lower: 0, upper: 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        let ticks = MetricsPlot.niceTicks(lower: 0.63, upper: 0.91)
        #expect(ticks.first! <= 0.63 && ticks.last! >= 0.91 && ticks.count <= 8)
    }
}

@Suite struct ConfigurationTests {
    @Test func defaultsFollowTheNotebook() throws {
        let configuration = try TrainingConfiguration.decode(Data("{}".utf8))
        #expect(configuration.task == .triplet)
        #expect(configuration.optimizer.kind == .adam && configuration.optimizer.learningRate == 1e-4)
        #expect(configuration.triplet.head == .fashionNotebook)
        #expect(configuration.triplet.objective.kind == .lossless)
        #expect(configuration.triplet.backbone.smallCNN.channels == [16, 32, 64])
    }

    @Test func decodesNestedFieldsAndRejectsUnknownKeys() throws {
        let json = """
            {"task": "triplet", "seed": 3, "training": {"steps": 50, "gradient_clipping": {"mode": "per_tensor", "max_norm": 5}},
             "optimizer": {"kind": "adamw", "learning_rate": 0.001},
             "triplet": {"objective": {"kind": "semi_hard", "margin": 0.2}, "data": {"train_per_class": 10}}}
            """
        let configuration = try TrainingConfiguration.decode(Data(json.utf8))
        #expect(configuration.training.steps == 50 && configuration.seed == 3)
        #expect(configuration.training.gradientClipping == GradientClippingOption(mode: .perTensor, maxNorm: 5))
        #expect(configuration.triplet.objective.kind == .semiHard && configuration.triplet.objective.margin == 0.2)
        #expect(configuration.triplet.data.trainPerClass == 10)
        // The written-out configuration reads back the same.
        #expect(try TrainingConfiguration.decode(configuration.encoded()) == configuration)

        #expect(throws: TrainingError.invalidConfiguration("configuration: unknown key training.setps")) {
            try TrainingConfiguration.decode(Data(#"{"training": {"setps": 5}}"#.utf8))
        }
        #expect(throws: TrainingError.self) { try TrainingConfiguration.decode(Data(#"{"task": "gan"}"#.utf8)) }
    }

    @Test func shippedConfigurationsDecode() throws {
        let folder = TestPaths.fixtures.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("configs")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 4)
        for file in files {
            let configuration = try TrainingConfiguration.load(contentsOf: folder.appendingPathComponent(file))
            #expect(configuration.output?.hasPrefix("runs/") == true, "\(file)")
        }
        let margin = try TrainingConfiguration.load(contentsOf: folder.appendingPathComponent("fashion-triplet-margin.json"))
        #expect(margin.triplet.objective.kind == .margin && margin.training.gradientClipping?.mode == .perTensor)
    }

    @Test func contrastiveTasksRejectMissingModelsAndData() throws {
        var missingModel = TrainingConfiguration(task: .contrastive)
        missingModel.contrastive.model = "/nonexistent/ViT-B-32"
        do {
            _ = try ContrastiveTraining.prepare(configuration: missingModel, outputDirectory: nil)
            Issue.record("a missing checkpoint must fail")
        } catch let error as ModelError {
            guard case .unknownModel(let name, let known) = error else { Issue.record("\(error)"); return }
            #expect(name == "/nonexistent/ViT-B-32" && known.contains("clipkit-default"))
        }
        var configuration = ContrastiveTaskConfiguration()
        configuration.data = .init(source: .csv, path: "/nonexistent/pairs.csv")
        #expect(throws: DatasetError.self) { try ContrastiveTraining.loadData(configuration, seed: 0) }
        configuration.architecture.vision.patchSize = 7
        #expect(throws: TrainingError.self) { try configuration.architecture.clipConfiguration() }
    }
}
