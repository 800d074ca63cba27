import Checkpoint
import Datasets
import Foundation
import Imaging
import NN
import Tensor
import TestSupport
import Testing
@testable import Training

/// The triplet task on person folders (ORL faces): some people train, others evaluate, and the
/// saved network reloads from its `model.safetensors` as an image embedder with the training's
/// input rule (what `clipkit eval identity --embedder` uses).
@Suite struct PersonFolderTripletTests {
    static func configuration(channels: Int = 3, steps: Int = 60) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(seed: 5)
        configuration.training = LoopConfiguration(steps: steps, stepsPerEpoch: steps, logInterval: 10, quiet: true)
        configuration.optimizer = OptimizerConfiguration(kind: .adam, learningRate: 3e-3)
        configuration.triplet.data = .init(source: .personFolders, directory: TestPaths.orlFaces.path, imageSize: 16, channels: channels,
                                           people: [0, 8], evaluationPeople: [8, 12])
        configuration.triplet.backbone.smallCNN = SmallConvolutionalNetwork.Configuration(channels: [8, 16])
        configuration.triplet.head = SiameseTripletNetwork.Head(hiddenWidth: 32, embeddingWidth: 16, outputActivation: .tanh)
        configuration.triplet.objective = TripletObjective(kind: .batchHard, margin: 0.3, distance: .cosine, classesPerBatch: 4,
                                                           imagesPerClass: 4)
        configuration.triplet.evaluation = .init(triplets: 500, seed: 3)
        return configuration
    }

    @Test func trainsOnSomePeopleAndEvaluatesOnOthers() throws {
        let training = try TripletTraining(configuration: Self.configuration(), outputDirectory: nil, write: { _ in })
        #expect(training.trainImages.count == 80 && training.testImages.count == 40)
        #expect(training.trainImages.classNames == (1...8).map { "s\($0)" })
        #expect(training.testImages.classNames == (9...12).map { "s\($0)" })
        #expect(training.trainImages.channels == 3 && training.trainImages.height == 16)
        let untrained = training.evaluate()
        _ = try training.trainer.train()
        let trained = training.evaluate()
        let losses = training.trainer.history.trainingLossPoints.map(\.1)
        #expect(losses.last! < losses.first!, "loss \(losses.first!) → \(losses.last!)")
        #expect(trained.tripletAccuracy > untrained.tripletAccuracy,
                "held-out people: untrained \(untrained.tripletAccuracy), trained \(trained.tripletAccuracy)")
    }

    @Test func savedNetworkReloadsAsAnImageEmbedder() throws {
        let training = try TripletTraining(configuration: Self.configuration(steps: 5), outputDirectory: nil, write: { _ in })
        _ = try training.trainer.train()
        let folder = try TemporaryFolder()
        try training.saveModel(to: folder.file("model.safetensors"))
        let loaded = try TrainedTripletNetwork(contentsOf: folder.url)  // the run folder finds model.safetensors
        #expect(loaded.configuration.triplet == training.configuration.triplet)
        #expect(loaded.network.embeddingWidth == 16)
        let preprocessing = try loaded.preprocessing()
        #expect(preprocessing.imageSize == 16 && preprocessing.resizeMode == .squash && preprocessing.interpolation == .bilinear)
        // s9's first four photos are the first four evaluation images.
        let decoder = ImageDecoder()
        let photos = try (1...4).map { try decoder.decode(contentsOf: TestPaths.orlFaces.appendingPathComponent("s9/\($0).png")) }
        let fromFiles = loaded.network.embed(try preprocessing.batch(photos))  // [4, 16]
        let expected = training.network.embed(training.testImages, normalization: training.normalization)  // [40, 16]
        #expect(fromFiles.shape == [4, 16])
        for row in 0..<4 {
            for column in 0..<16 {
                #expect(abs(fromFiles[indices: row, column] - expected[indices: row, column]) < 1e-5, "row \(row), column \(column)")
            }
        }
    }

    @Test func unusableFilesFailClearly() throws {
        let folder = try TemporaryFolder()
        let missing = folder.file("nothing/model.safetensors")
        #expect { _ = try TrainedTripletNetwork(contentsOf: missing) } throws: { "\($0)".contains(missing.path) }
        let bare = folder.file("bare.safetensors")
        try SafetensorsFile.write(["hidden.weight": Tensor(zeros: [2, 2])], to: bare)
        #expect { _ = try TrainedTripletNetwork(contentsOf: bare) } throws: { "\($0)".contains("not a saved triplet model") }
        let grey = try TripletTraining(configuration: Self.configuration(channels: 1, steps: 1), outputDirectory: nil, write: { _ in })
        let greyFile = folder.file("grey.safetensors")
        try grey.saveModel(to: greyFile)
        let loaded = try TrainedTripletNetwork(contentsOf: greyFile)
        #expect { _ = try loaded.preprocessing() } throws: { "\($0)".contains("3-channel") }
        var wrongPeople = Self.configuration()
        wrongPeople.triplet.data.people = [5, 2]
        #expect { try wrongPeople.validate() } throws: { "\($0)".contains("triplet.data.people") }
        var tooMany = Self.configuration()
        tooMany.triplet.data.evaluationPeople = [30, 45]
        #expect { _ = try TripletTraining(configuration: tooMany, outputDirectory: nil, write: { _ in }) } throws: {
            "\($0)".contains("40 people")
        }
    }
}
