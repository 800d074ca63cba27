import Evaluation
import Foundation
import Imaging
import Tensor

/// Zero-shot anomaly scores of frames from descriptions (SA-CLIP, Li et al. 2025, App. C, Eq. 11):
///
///     score(f) = (1/|D_a|) Σ_{d∈D_a} sim(u_d, v_{f,d})            (− (1/|D_b|) Σ_{d∈D_b} sim(u_d, v_{f,d}) when subtracting)
///
/// with u_d the text feature of description d and v_{f,d} the frame's image feature with d's
/// subject and object grounded to the frame's objects by category (the paper uses a detector;
/// generated frames know their objects): every pair of objects whose categories match the
/// triple's subject and object head nouns is tried and the best similarity kept; a missing
/// category uses the whole frame. The best-matching descriptions explain each frame's score.
/// ROC-AUC over labelled frames measures the scores.
public enum AnomalyScoring {
    /// Names descriptions use for frame categories.
    public static let categoryAliases = ["traffic": "road", "lane": "road", "lanes": "road", "street": "road", "person": "pedestrian",
                                         "bike": "cyclist", "bicycle": "cyclist", "pavement": "sidewalk"]

    /// One frame's scores.
    public struct FrameScore: Codable, Sendable {
        public var anomalous: Bool
        public var kind: String
        /// The frame's situation, named by its anomaly ("cyclist_against_traffic" for a cyclist
        /// riding either way); nil for frames scored before it was recorded.
        public var situation: String?
        /// Mean similarity to the anomaly descriptions and to the normal ones.
        public var anomalySimilarity: Double
        public var normalSimilarity: Double
        /// The three best-matching descriptions, best first, with their similarities.
        public var explanation: [String]
        public var explanationSimilarities: [Double]
        /// The similarity to every description, the anomaly descriptions first, then the normal ones.
        public var similarities: [Double]?
    }

    /// ROC-AUC of the frames of one situation (its normal and its anomalous frames).
    public struct SituationReport: Codable, Sendable, Equatable {
        public var frames: Int
        public var rocAUC: Double
        public var rocAUCSubtractingNormal: Double

        enum CodingKeys: String, CodingKey {
            case frames, rocAUC = "roc_auc", rocAUCSubtractingNormal = "roc_auc_minus_normal"
        }
    }

    /// ROC-AUC of both scores over the frames.
    public struct Report: Codable, Sendable {
        public var frames: Int
        public var anomalousFrames: Int
        /// AUC of the anomaly similarity alone (Eq. 11).
        public var rocAUC: Double
        /// AUC of anomaly minus normal similarity.
        public var rocAUCSubtractingNormal: Double
        /// The same per situation (keyed by the situation's anomaly), for situations with both
        /// normal and anomalous frames.
        public var perSituation: [String: SituationReport]?

        enum CodingKeys: String, CodingKey {
            case frames, anomalousFrames = "anomalous_frames", rocAUC = "roc_auc", rocAUCSubtractingNormal = "roc_auc_minus_normal"
            case perSituation = "per_situation"
        }
    }

    static func category(_ phrase: CaptionPhrase) -> String {
        let head = phrase.text.lowercased().split(separator: " ").last.map(String.init) ?? ""
        return categoryAliases[head] ?? head
    }

    /// Scores `frames` against the descriptions (mined for their triples).
    public static func score(model: RelationAwareCLIP, frames: [TrafficScenes.Frame], anomalyDescriptions: [String],
                             normalDescriptions: [String], miner: RelationMiner, regionMargin: Double,
                             progress: ((Int, Int) -> Void)? = nil) throws -> [FrameScore] {
        let descriptions = anomalyDescriptions + normalDescriptions
        let triples = try descriptions.map { description -> RelationTriple in
            guard let triple = miner.triple(in: description) else { throw RelationError.incompleteExample("no triple in \"\(description)\"") }
            return triple
        }
        let texts = try model.embedTexts(descriptions, triples: triples)  // [D, width]
        var scores: [FrameScore] = []
        for (frameIndex, frame) in frames.enumerated() {
            // Whole frame and every object region, encoded once.
            let images = try [frame.image] + frame.objects.map { try $0.box.crop(from: frame.image, margin: regionMargin) }
            let encoded = model.imageEncoder.embed(Tensor.stackingImages(try images.map { try model.preprocessing($0) }))  // [1 + objects, F]
            let whole = PixelBox.whole(width: frame.image.width, height: frame.image.height)
            var similarities: [Double] = []
            for (index, triple) in triples.enumerated() {
                func candidates(_ phrase: CaptionPhrase) -> [Int] {
                    let name = category(phrase)
                    let matches = frame.objects.indices.filter { frame.objects[$0].category == name }
                    return matches.isEmpty ? [-1] : matches
                }
                var pairs: [(Int, Int)] = []
                for subject in candidates(triple.subject) {
                    for object in candidates(triple.object) where subject != object || subject == -1 { pairs.append((subject, object)) }
                }
                if pairs.isEmpty { pairs = [(-1, -1)] }
                func rows(_ which: [Int]) -> Tensor { Tensor.gather(rowsOf: encoded, indices: which.map { $0 + 1 }) }
                func corners(_ which: [Int]) -> Tensor {
                    Tensor(shape: [which.count, 4], scalars: which.flatMap { ($0 < 0 ? whole : frame.objects[$0].box)
                        .normalizedCorners(width: frame.image.width, height: frame.image.height) })
                }
                let subjects = pairs.map(\.0), objects = pairs.map(\.1)
                let features = RelationImageFeatures(global: Tensor.gather(rowsOf: encoded, indices: [Int](repeating: 0, count: pairs.count)),
                                                     subject: rows(subjects), object: rows(objects), subjectCorners: corners(subjects),
                                                     objectCorners: corners(objects))
                let images = model.embedImages(features)  // [pairs, width]
                let text = Tensor.gather(rowsOf: texts, indices: [Int](repeating: index, count: pairs.count))
                similarities.append(RelationEvaluation.rowDots(text, images).max()!)
            }
            let anomaly = similarities.prefix(anomalyDescriptions.count), normal = similarities.dropFirst(anomalyDescriptions.count)
            let ranked = similarities.indices.sorted { similarities[$0] > similarities[$1] }.prefix(3)
            scores.append(FrameScore(anomalous: frame.anomaly != nil, kind: frame.anomaly?.rawValue ?? "normal",
                                     situation: frame.situation.anomaly.rawValue,
                                     anomalySimilarity: anomaly.reduce(0, +) / Double(max(anomaly.count, 1)),
                                     normalSimilarity: normal.reduce(0, +) / Double(max(normal.count, 1)),
                                     explanation: ranked.map { descriptions[$0] }, explanationSimilarities: ranked.map { similarities[$0] },
                                     similarities: similarities))
            progress?(frameIndex + 1, frames.count)
        }
        return scores
    }

    /// ROC-AUC of the scores, over all frames and per situation.
    public static func report(_ scores: [FrameScore]) throws -> Report {
        func areas(_ scores: [FrameScore]) throws -> (Double, Double) {
            let labels = scores.map(\.anomalous)
            return (try ROCAUC.area(scores: scores.map(\.anomalySimilarity), labels: labels),
                    try ROCAUC.area(scores: scores.map { $0.anomalySimilarity - $0.normalSimilarity }, labels: labels))
        }
        let (all, subtracting) = try areas(scores)
        var perSituation: [String: SituationReport] = [:]
        for (situation, frames) in Dictionary(grouping: scores.filter { $0.situation != nil }, by: { $0.situation! })
        where frames.contains(where: \.anomalous) && frames.contains(where: { !$0.anomalous }) {
            let (area, areaSubtracting) = try areas(frames)
            perSituation[situation] = SituationReport(frames: frames.count, rocAUC: area, rocAUCSubtractingNormal: areaSubtracting)
        }
        return Report(frames: scores.count, anomalousFrames: scores.filter(\.anomalous).count, rocAUC: all, rocAUCSubtractingNormal: subtracting,
                      perSituation: perSituation.isEmpty ? nil : perSituation)
    }

    /// "car_on_sidewalk 0.95/0.82, …": the per-situation AUCs (Eq. 11 / minus normal) in the
    /// situations' order.
    public static func describeSituations(_ report: Report) -> String {
        TrafficScenes.Anomaly.allCases.compactMap { anomaly in
            report.perSituation?[anomaly.rawValue].map { String(format: "%@ %.2f/%.2f", anomaly.rawValue, $0.rocAUC, $0.rocAUCSubtractingNormal) }
        }.joined(separator: ", ")
    }
}
