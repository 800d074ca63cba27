import Datasets
import Evaluation
import Foundation
import Generation
import Tensor

/// How well trained text-to-face models follow held-out captions (the evaluation of the
/// seed paper's §5.3–5.5 for this setting). Every photo of the chosen people gives one request:
/// its caption number (photo index mod 4) of `FaceCaptions`, rendered once per model with ε and
/// noise from `seed` (or, with `conditioningMean`, z = μ(s) without ε). Per model:
///
/// - attribute agreement: the captioner run's `AttributeClassifier` (faces: glasses, beard, male,
///   smiling; Fashion-MNIST items: the class, with tone and size measured exactly, `AttributeJudge`)
///   on each generated image against the attributes its caption asked for, the fraction of
///   (image, attribute) pairs that agree; the shuffled-caption control scores the same images against
///   the attributes of a randomly permuted caption (seeded), i.e. what agreement is reached when the
///   text is ignored;
/// - FID (`FIDEvaluation`) between the generated faces and the real photos of the same people at
///   the generator's size, and LPIPS-alex (`LPIPSEvaluation`) of each generated face against the
///   real photo whose caption asked for it (the mean over pairs).
///
/// The generated and real images are written as PNG files under `outputDirectory` (`real/`,
/// `<model name>/`) so the metrics can be recomputed by `clipkit eval fid|lpips`; beside them
/// `judged.csv` lists, per image, its caption and each attribute as requested and as the judge
/// read it (to check the judge by hand on generated images).
public enum TextToFaceEvaluation {
    public struct AttributeAgreement: Codable, Sendable {
        public var attribute: String
        public var agreement: Double
        public var shuffledAgreement: Double
        /// Requests asking for a value other than the attribute's first (yes; light; large; a class
        /// other than T-shirt/top).
        public var requested: Int
    }

    public struct ModelReport: Codable, Sendable {
        public var model: String
        public var supervision: String
        public var images: Int
        public var agreement: Double
        public var shuffledAgreement: Double
        public var attributes: [AttributeAgreement]
        public var fid: Double?
        public var lpips: Double?
        public var seconds: Double
    }

    public struct Report: Codable, Sendable {
        public var people: String
        public var requests: Int
        public var classifier: String
        public var seed: UInt64
        /// Whether z = μ(s) was rendered instead of μ(s) + σ(s) ⊙ ε.
        public var conditioningMean: Bool
        public var models: [ModelReport]
    }

    /// The held-out images whose captions are requested.
    public enum HeldOut {
        /// People at 0-based person-folder positions, with their attribute table.
        case personFolders(URL, attributeTable: URL, people: Range<Int>)
        /// Items of Fashion-MNIST's idx test set in the given folder.
        case fashionMNIST(URL, items: Range<Int>)
    }

    /// Evaluates each model folder on the held-out images `heldOut`: ORL people (the face
    /// classifier's four attributes) or Fashion-MNIST test items (the class by the classifier, tone
    /// and size measured exactly, `AttributeJudge`).
    public static func evaluate(models: [URL], captioner: URL, heldOut: HeldOut, seed: UInt64 = 0, conditioningMean: Bool = false,
                                outputDirectory: URL,
                                metrics: Bool = true, progress: (String) -> Void = { _ in }) throws -> Report {
        let trained = try TrainedCaptioner.load(from: captioner)
        let classifierURL = trained.directory.appendingPathComponent(AttributeClassifier.fileName)
        let classifier = try AttributeClassifier.load(contentsOf: classifierURL)
        guard let first = models.first else { throw GenerationError.invalidRequest("no model to evaluate") }
        let size = try TrainedTextToFace.load(from: first).generator.configuration.size
        let faces: CaptionedImages, heldOutName: String
        switch heldOut {
        case let .personFolders(folder, attributeTable, people):
            let folders = try PersonFolders(root: folder)
            let table = try FaceAttributeTable(contentsOf: attributeTable)
            faces = try CaptionedImages(folders: folders, attributes: table, people: people, size: size, channels: 1)
            heldOutName = "\(people.lowerBound + 1)-\(people.upperBound)"
        case let .fashionMNIST(folder, items):
            let set = try FashionMNIST.load(split: .test, directory: folder)
            faces = try CaptionedImages(fashionMNIST: set, split: .test, items: items, size: size, channels: 1)
            heldOutName = "test items \(items.lowerBound + 1)-\(items.upperBound)"
        }
        let judge = try AttributeJudge(kind: faces.kind, classifier: classifier, encoder: trained.encoder)
        let requests = (0..<faces.count).map { photo in faces.captionTexts[faces.captions[photo][photo % faces.captions[photo].count]] }
        let wanted = faces.requested
        var random = SeededGenerator(seed: seed &+ 17)
        var permutation = Array(0..<faces.count)
        permutation.shuffle(using: &random)
        // Image permutation[i] judged against request i, written as image j against request inverse[j].
        var inverse = permutation
        for (index, image) in permutation.enumerated() { inverse[image] = index }
        let shuffledWanted = inverse.map { wanted[$0] }

        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let realFolder = outputDirectory.appendingPathComponent("real", isDirectory: true)
        let realFiles = try write(faces.pixels.map { $0 * 0.5 + 0.5 }, to: realFolder)
        try writeJudgements(read: judge.read(images: faces.pixels), requested: wanted, captions: requests, attributes: judge.attributes,
                            to: realFolder)
        let fid = metrics ? try FIDEvaluation.installed() : nil
        let lpips = metrics ? try LPIPSEvaluation.installed(.alex) : nil
        if metrics { progress("real photos: FID statistics") }
        let realStatistics = try fid?.statistics(of: .images(realFiles, name: "real")).statistics

        var reports: [ModelReport] = []
        for (index, url) in models.enumerated() {
            let start = Date()
            let model = try TrainedTextToFace.load(from: url)
            progress("\(url.path): generating \(requests.count) faces")
            var parts: [Tensor] = []
            for chunk in stride(from: 0, to: requests.count, by: 16) {
                parts.append(try model.images(for: Array(requests[chunk..<min(chunk + 16, requests.count)]), seed: seed &+ UInt64(chunk),
                                              conditioningMean: conditioningMean))
            }
            let images = Tensor.concatenate(parts, alongAxis: 0)  // [requests, c, size, size] in [0, 1]
            let grey = images.shape[1] == 1 ? images : images.mean(alongAxis: 1, keepingDimension: true)  // [requests, 1, size, size]
            let read = judge.read(images: grey.map { $0 * 2 - 1 })  // [requests][attributes]
            let agreement = AttributeJudge.agreement(read: read, requested: wanted)
            let shuffled = AttributeJudge.agreement(read: read, requested: shuffledWanted)
            let values = wanted.map(\.judgedValues)
            let attributes = judge.attributes.enumerated().map { column, name in
                AttributeAgreement(attribute: name, agreement: Double(agreement.filter { $0[column] }.count) / Double(requests.count),
                                   shuffledAgreement: Double(shuffled.filter { $0[column] }.count) / Double(requests.count),
                                   requested: values.filter { $0[column] != 0 }.count)
            }
            let name = "\(index)-" + (url.standardizedFileURL.lastPathComponent == "model"
                                      ? url.standardizedFileURL.deletingLastPathComponent().lastPathComponent
                                      : url.standardizedFileURL.lastPathComponent)
            let generatedFiles = try write(grey, to: outputDirectory.appendingPathComponent(name, isDirectory: true))
            try writeJudgements(read: read, requested: wanted, captions: requests, attributes: judge.attributes,
                                to: outputDirectory.appendingPathComponent(name, isDirectory: true))
            var fidValue: Double?, lpipsValue: Double?
            if let fid, let lpips, let realStatistics {
                progress("\(url.path): FID and LPIPS")
                let generated = try fid.statistics(of: .images(generatedFiles, name: name)).statistics
                fidValue = try FrechetDistance(realStatistics, generated).value
                let distances = try lpips.distances(Array(zip(realFiles, generatedFiles)))
                lpipsValue = distances.reduce(0, +) / Double(distances.count)
            }
            reports.append(ModelReport(model: url.path, supervision: model.manifest.supervision, images: requests.count,
                                       agreement: attributes.map(\.agreement).reduce(0, +) / Double(attributes.count),
                                       shuffledAgreement: attributes.map(\.shuffledAgreement).reduce(0, +) / Double(attributes.count),
                                       attributes: attributes, fid: fidValue, lpips: lpipsValue, seconds: Date().timeIntervalSince(start)))
        }
        return Report(people: heldOutName, requests: requests.count, classifier: classifierURL.path,
                      seed: seed, conditioningMean: conditioningMean, models: reports)
    }

    /// Writes `judged.csv` into `folder`: per image (`NNNN`), its caption and, per attribute, the
    /// requested value and the judge's read (`CaptionedAttributes.judgedValues` numbering).
    static func writeJudgements(read: [[Int]], requested: [CaptionedAttributes], captions: [String], attributes: [String],
                                to folder: URL) throws {
        let header = (["image", "caption"] + attributes.flatMap { ["\($0)_requested", "\($0)_read"] }).joined(separator: ",")
        let rows = read.indices.map { index in
            let values = zip(requested[index].judgedValues, read[index]).flatMap { ["\($0)", "\($1)"] }
            let caption = "\"" + captions[index].replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return ([String(format: "%04d", index), caption] + values).joined(separator: ",")
        }
        try ([header] + rows).joined(separator: "\n").appending("\n")
            .write(to: folder.appendingPathComponent("judged.csv"), atomically: true, encoding: .utf8)
    }

    /// Writes images `[count, c, h, w]` in [0, 1] as `NNNN.png`; returns the files in order.
    static func write(_ images: Tensor, to folder: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try (0..<images.shape[0]).map { index in
            let file = folder.appendingPathComponent(String(format: "%04d.png", index))
            try ImageGeneration.png(images[index]).write(to: file)
            return file
        }
    }
}
