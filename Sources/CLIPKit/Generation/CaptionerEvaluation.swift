import Datasets
import Evaluation
import Foundation
import Generation
import Tensor

/// How well a trained text-to-face captioner describes faces of people it never saw: corpus
/// BLEU-1…4 (`CorpusBLEU`, NLTK's `corpus_bleu`) of its greedy and beam-search captions of every
/// photo of the chosen people against that photo's synthesised captions (`FaceCaptions`, all four
/// as references); the same greedy captions scored against the references of the photo one person
/// further on (a mismatched-reference control: what the shared sentence templates alone earn);
/// and — when the model folder holds the face attribute classifier — its accuracy per attribute on
/// the same photos beside the majority-class rate.
public enum CaptionerEvaluation {
    /// One attribute's held-out accuracy.
    public struct AttributeAccuracy: Codable, Sendable, Equatable {
        public var attribute: String
        public var accuracy: Double
        /// The accuracy of always answering the more frequent value on these photos.
        public var majorityRate: Double
        public var positives: Int
    }

    public struct Report: Codable, Sendable {
        public var model: String
        public var people: String
        public var photos: Int
        public var beamWidth: Int
        /// BLEU-1…4 of greedy and beam captions.
        public var greedyBLEU: [Double]
        public var beamBLEU: [Double]
        /// BLEU-1…4 of the greedy captions against the next person's photos' references (photo i
        /// gets photo (i + photos of one person) mod count's): the template-only control.
        public var mismatchedGreedyBLEU: [Double]
        public var greedy: CorpusBLEU
        public var beam: CorpusBLEU
        /// The first photos' paths, references and captions, for reading.
        public var examples: [Example]
        public var attributes: [AttributeAccuracy]?
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case model, people, photos, beamWidth = "beam_width", greedyBLEU = "greedy_bleu", beamBLEU = "beam_bleu"
            case mismatchedGreedyBLEU = "mismatched_greedy_bleu", greedy, beam
            case examples, attributes, seconds
        }
    }

    public struct Example: Codable, Sendable {
        public var photo: String
        public var reference: String
        public var greedy: String
        public var beam: String
    }

    /// Evaluates the captioner in `model` (a captioner folder or a run folder with `model/`) on the
    /// people `people` (0-based person-folder positions) of `personFolders`, annotated in `attributeTable`.
    public static func evaluate(model: URL, personFolders: URL, attributeTable: URL, people: Range<Int>, beamWidth: Int = 3,
                                progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        let start = Date()
        let captioner = try TrainedCaptioner.load(from: model)
        let folders = try PersonFolders(root: personFolders)
        let table = try FaceAttributeTable(contentsOf: attributeTable)
        let faces = try CaptionedImages(folders: folders, attributes: table, people: people, size: captioner.manifest.imageSize, channels: 1)
        let names = "\(folders.people[people.lowerBound].name)–\(folders.people[people.upperBound - 1].name)"
        return try evaluate(model: model, captioner: captioner, images: faces, heldOutName: names, beamWidth: beamWidth, start: start,
                            progress: progress)
    }

    /// Evaluates the captioner in `model` on the items `items` of Fashion-MNIST's idx test set in `folder`.
    public static func evaluate(model: URL, fashionMNIST folder: URL, items: Range<Int>, beamWidth: Int = 3,
                                progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        let start = Date()
        let captioner = try TrainedCaptioner.load(from: model)
        let set = try FashionMNIST.load(split: .test, directory: folder)
        let images = try CaptionedImages(fashionMNIST: set, split: .test, items: items, size: captioner.manifest.imageSize, channels: 1)
        return try evaluate(model: model, captioner: captioner, images: images, heldOutName: "test items \(items.lowerBound + 1)-\(items.upperBound)",
                            beamWidth: beamWidth, start: start, progress: progress)
    }

    /// The report on captioned images already at the captioner's size; the mismatched control
    /// shifts by the size of the first group (one person's photos, one class's items).
    static func evaluate(model: URL, captioner: TrainedCaptioner, images faces: CaptionedImages, heldOutName: String, beamWidth: Int,
                         start: Date, progress: ((Int, Int) -> Void)?) throws -> Report {
        let features = captioner.encoder.regions(of: faces.pixels)  // [photos, L, D]
        var greedy: [[String]] = [], beam: [[String]] = []
        for index in 0..<faces.count {
            let one = features[index].reshaped([1] + Array(features.shape.dropFirst()))
            greedy.append(captioner.vocabulary.decode(captioner.decoder.greedyCaptions(features: one)[0]))
            beam.append(captioner.vocabulary.decode(captioner.decoder.beamCaptions(features: one, beamWidth: beamWidth)[0]))
            progress?(index + 1, faces.count)
        }
        let references = faces.captions.map { $0.map { CaptionerVocabulary.words(of: faces.captionTexts[$0]) } }
        let examples = (0..<min(8, faces.count)).map { index in
            Example(photo: faces.paths[index], reference: faces.captionTexts[faces.captions[index][0]],
                    greedy: greedy[index].joined(separator: " "), beam: beam[index].joined(separator: " "))
        }
        var attributes: [AttributeAccuracy]?
        let classifierFile = captioner.directory.appendingPathComponent(AttributeClassifier.fileName)
        if FileManager.default.fileExists(atPath: classifierFile.path) {
            let classifier = try AttributeClassifier.load(contentsOf: classifierFile)
            guard classifier.layout == faces.kind.classifierLayout else {
                throw GenerationError.invalidRequest("the attribute classifier reads \(classifier.layout.attributes), "
                                                     + "these images' captions ask for \(faces.kind.classifierLayout.attributes)")
            }
            let predicted = classifier.predictions(pooled: features.mean(alongAxis: 1))  // [photos][heads]
            let truth = faces.requested.map(\.classifierValues)
            attributes = classifier.layout.attributes.indices.map { column in
                var hits = 0, counts = [Int](repeating: 0, count: classifier.layout.values.count)
                for (values, wanted) in zip(predicted, truth) {
                    if values[column] == wanted[column] { hits += 1 }
                    counts[wanted[column]] += 1
                }
                return AttributeAccuracy(attribute: classifier.layout.attributes[column],
                                         accuracy: Double(hits) / Double(truth.count),
                                         majorityRate: Double(counts.max() ?? 0) / Double(truth.count),
                                         positives: truth.count - counts[0])
            }
        }
        let greedyScore = try CorpusBLEU(hypotheses: greedy, references: references)
        let beamScore = try CorpusBLEU(hypotheses: beam, references: references)
        let shift = faces.imagesOfGroup.first?.count ?? 1
        let mismatched = try CorpusBLEU(hypotheses: greedy, references: references.indices.map { references[($0 + shift) % references.count] })
        return Report(model: model.path, people: heldOutName, photos: faces.count, beamWidth: beamWidth, greedyBLEU: greedyScore.scores,
                      beamBLEU: beamScore.scores, mismatchedGreedyBLEU: mismatched.scores, greedy: greedyScore, beam: beamScore, examples: examples, attributes: attributes,
                      seconds: Date().timeIntervalSince(start))
    }
}
