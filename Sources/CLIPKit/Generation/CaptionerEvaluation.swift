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
        let faces = try CaptionedFaces(folders: folders, attributes: table, people: people, size: captioner.manifest.imageSize, channels: 1)
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
        let classifierFile = captioner.directory.appendingPathComponent(FaceAttributeClassifier.fileName)
        if FileManager.default.fileExists(atPath: classifierFile.path) {
            let classifier = try FaceAttributeClassifier.load(contentsOf: classifierFile)
            let predicted = classifier.probabilities(pooled: features.mean(alongAxis: 1))
            let truth = try faces.paths.map { path in
                guard let row = table.attributes(photoPath: path) else {
                    throw GenerationError.invalidRequest("the attribute table has no row for \(path)")
                }
                return FaceAttributeClassifier.labels(of: row)
            }
            attributes = FaceAttributeClassifier.attributeNames.indices.map { column in
                var hits = 0, positives = 0
                for (probabilities, flags) in zip(predicted, truth) {
                    if (probabilities[column] > 0.5) == flags[column] { hits += 1 }
                    if flags[column] { positives += 1 }
                }
                return AttributeAccuracy(attribute: FaceAttributeClassifier.attributeNames[column],
                                         accuracy: Double(hits) / Double(truth.count),
                                         majorityRate: Double(max(positives, truth.count - positives)) / Double(truth.count),
                                         positives: positives)
            }
        }
        let greedyScore = try CorpusBLEU(hypotheses: greedy, references: references)
        let beamScore = try CorpusBLEU(hypotheses: beam, references: references)
        let shift = faces.photosOfPerson.first?.count ?? 1
        let mismatched = try CorpusBLEU(hypotheses: greedy, references: references.indices.map { references[($0 + shift) % references.count] })
        let names = "\(folders.people[people.lowerBound].name)–\(folders.people[people.upperBound - 1].name)"
        return Report(model: model.path, people: names, photos: faces.count, beamWidth: beamWidth, greedyBLEU: greedyScore.scores,
                      beamBLEU: beamScore.scores, mismatchedGreedyBLEU: mismatched.scores, greedy: greedyScore, beam: beamScore, examples: examples, attributes: attributes,
                      seconds: Date().timeIntervalSince(start))
    }
}
