import Evaluation
import Foundation
import Tensor

/// True/false caption accuracy in the Visual Spatial Reasoning format (Liu, Emerson & Collier
/// 2023; SA-CLIP's Table 1) and how embeddings cluster by group (SA-CLIP's Fig. 4), for a
/// `RelationAwareCLIP`.
///
/// Every judged caption c of an image gets s(c) = u_c · v_{image, c} (u, v unit vectors; v built
/// from c's subject and object regions). Two decisions:
///
/// - paired: c is judged true when s(c) > s(c′), c′ its relation-flipped counterpart
///   (`NegativeCaption`; the regions trade places when the flip swaps subject and object);
/// - threshold: c is judged true when s(c) > t, t the threshold with the best accuracy on a
///   dev split (the first `devFraction` of the images), accuracy on the rest.
///
/// An example whose caption is true contributes its caption (label true) and its flipped one
/// (label false), as `clipkit export scenes` writes them; VSR lines with labels contribute
/// themselves.
public enum RelationEvaluation {
    /// The numbers of one evaluation.
    public struct Report: Codable, Sendable, Equatable {
        public var captions: Int
        public var pairedAccuracy: Double
        public var thresholdAccuracy: Double?
        public var threshold: Double?
        /// Paired accuracy per group (configuration, relation).
        public var groupAccuracy: [String: Double]
        /// Silhouette by group of the text features of true captions and of the image features.
        public var textSilhouette: Double?
        public var imageSilhouette: Double?
        /// The same for the relation halves alone (r_svo and r_roi after normalisation), when the
        /// model has them: the sentence and whole-image halves also encode the objects.
        public var relationTextSilhouette: Double?
        public var relationImageSilhouette: Double?
        /// The text and image silhouettes per group (`SilhouetteScore.byCluster`): the mean s(i) of
        /// the group's points and the group nearest to most of them, so that a low overall figure
        /// can be traced to the groups that sit badly and to whom they sit next (nil without silhouettes).
        public var textGroupSilhouettes: [String: GroupSilhouette]? = nil
        public var imageGroupSilhouettes: [String: GroupSilhouette]? = nil

        enum CodingKeys: String, CodingKey {
            case captions, pairedAccuracy = "paired_accuracy", thresholdAccuracy = "threshold_accuracy", threshold
            case groupAccuracy = "group_accuracy", textSilhouette = "text_silhouette", imageSilhouette = "image_silhouette"
            case relationTextSilhouette = "relation_text_silhouette", relationImageSilhouette = "relation_image_silhouette"
            case textGroupSilhouettes = "text_group_silhouettes", imageGroupSilhouettes = "image_group_silhouettes"
        }
    }

    /// One group's silhouette: the mean over its points, and the other group that is nearest
    /// (attains b(i)) for most of them, with the share of its points for which it is.
    public struct GroupSilhouette: Codable, Sendable, Equatable {
        public var points: Int
        public var silhouette: Double
        public var nearestGroup: String
        public var nearestShare: Double

        enum CodingKeys: String, CodingKey {
            case points, silhouette, nearestGroup = "nearest_group", nearestShare = "nearest_share"
        }
    }

    /// The per-group silhouettes of `points` grouped by `labels` (indices into `names`).
    static func groupSilhouettes(points: Tensor, labels: [Int], names: [String]) throws -> [String: GroupSilhouette] {
        let summaries = try SilhouetteScore.byCluster(points: points, labels: labels)
        return Dictionary(uniqueKeysWithValues: summaries.map { label, summary in
            (names[label], GroupSilhouette(points: summary.size, silhouette: summary.meanSilhouette,
                                           nearestGroup: names[summary.nearestOtherCluster], nearestShare: summary.nearestOtherShare))
        })
    }

    /// Features of the examples' captions: u of each caption and of its flip, v for each
    /// (the flip's v uses swapped regions when its roles are swapped).
    public struct Features: Sendable {
        public var texts: Tensor
        public var images: Tensor
        public var flippedTexts: Tensor
        public var flippedImages: Tensor
        /// Examples with a flipped caption (symmetric relations have none and are not judged).
        public var flippable: [Bool]
        /// The columns of the relation halves (r_svo, r_roi), nil without relation features.
        public var relationColumns: Range<Int>?

        /// The features of the examples `indices`, in that order.
        public func rows(_ indices: [Int]) -> Features {
            Features(texts: Tensor.gather(rowsOf: texts, indices: indices), images: Tensor.gather(rowsOf: images, indices: indices),
                     flippedTexts: Tensor.gather(rowsOf: flippedTexts, indices: indices),
                     flippedImages: Tensor.gather(rowsOf: flippedImages, indices: indices), flippable: indices.map { flippable[$0] },
                     relationColumns: relationColumns)
        }
    }

    /// Reports on two parts of the examples: those whose group is in `heldOutGroups` (spatial
    /// configurations kept out of training) and the rest. The seen part is reported as `report`
    /// does (threshold fitted on its first half); the held-out part's threshold accuracy uses the
    /// seen part's threshold on all its captions, so nothing is fitted on held-out configurations.
    public static func heldOutGroupReports(examples: [RelationExample], features: Features, heldOutGroups: Set<String>,
                                           devFraction: Double = 0.5) throws -> (seen: Report, heldOut: Report) {
        let isHeldOut = examples.map { heldOutGroups.contains($0.group ?? $0.triple.relation.text) }
        let seen = examples.indices.filter { !isHeldOut[$0] }, heldOut = examples.indices.filter { isHeldOut[$0] }
        guard !seen.isEmpty, !heldOut.isEmpty else {
            throw RelationError.incompleteExample("held-out groups \(heldOutGroups.sorted()) leave \(seen.count) seen and \(heldOut.count) held-out examples")
        }
        let seenReport = try report(examples: seen.map { examples[$0] }, features: features.rows(seen), devFraction: devFraction)
        let heldOutReport = try report(examples: heldOut.map { examples[$0] }, features: features.rows(heldOut), devFraction: devFraction,
                                       threshold: seenReport.threshold)
        return (seenReport, heldOutReport)
    }

    /// Whether a negative keeps the relation and swaps the roles.
    static func swapsRoles(_ example: RelationExample) -> Bool {
        guard let negative = example.negative else { return false }
        return negative.triple.relation.text == example.triple.relation.text
    }

    /// u and v of `examples` (with `imageFeatures` their rows) and of their flips.
    public static func features(model: RelationAwareCLIP, examples: [RelationExample], imageFeatures: RelationImageFeatures) throws -> Features {
        let texts = try model.embedTexts(examples.map(\.caption), triples: examples.map(\.triple))
        let images = model.embedImages(imageFeatures)
        let flipped = examples.map { $0.negative ?? NegativeCaption(caption: $0.caption, triple: $0.triple) }
        let flippedTexts = try model.embedTexts(flipped.map(\.caption), triples: flipped.map(\.triple))
        let swaps = examples.map(swapsRoles)
        var flippedImages = images
        if swaps.contains(true) {
            let swapped = imageFeatures.withRegions(subject: imageFeatures.object, object: imageFeatures.subject,
                                                    subjectCorners: imageFeatures.objectCorners, objectCorners: imageFeatures.subjectCorners)
            let swappedImages = model.embedImages(swapped)
            flippedImages = Tensor.gather(rowsOf: Tensor.concatenate([images, swappedImages], alongAxis: 0),
                                          indices: swaps.enumerated().map { $0.element ? examples.count + $0.offset : $0.offset })
        }
        let relationWidth = model.heads.svoProjection?.outFeatures ?? 0
        return Features(texts: texts, images: images, flippedTexts: flippedTexts, flippedImages: flippedImages,
                        flippable: examples.map { $0.negative != nil },
                        relationColumns: relationWidth > 0 ? (model.featureWidth - relationWidth)..<model.featureWidth : nil)
    }

    /// Row-wise dot products of two `[N, D]` matrices.
    static func rowDots(_ a: Tensor, _ b: Tensor) -> [Double] {
        let width = a.shape[1]
        let x = a.scalars, y = b.scalars
        return (0..<a.shape[0]).map { row in
            var sum: Float = 0
            for k in 0..<width { sum += x[row * width + k] * y[row * width + k] }
            return Double(sum)
        }
    }

    /// The report for `examples` and their `features`; with `threshold` given, the threshold
    /// accuracy is that threshold's on every judged caption (nothing fitted).
    public static func report(examples: [RelationExample], features: Features, devFraction: Double = 0.5,
                              threshold fixedThreshold: Double? = nil) throws -> Report {
        let scores = rowDots(features.texts, features.images), flippedScores = rowDots(features.flippedTexts, features.flippedImages)
        // Judged captions: (score, counterpart's score, label, group, example index).
        var judged: [(score: Double, other: Double, label: Bool, group: String, example: Int)] = []
        for (index, example) in examples.enumerated() where features.flippable[index] {
            let group = example.group ?? example.triple.relation.text
            judged.append((scores[index], flippedScores[index], example.label, group, index))
            if example.label { judged.append((flippedScores[index], scores[index], false, group, index)) }
        }
        guard !judged.isEmpty else { throw RelationError.incompleteExample("no caption has a relation-flipped counterpart to judge") }
        func accuracy(_ items: ArraySlice<(score: Double, other: Double, label: Bool, group: String, example: Int)>) -> Double {
            Double(items.filter { ($0.score > $0.other) == $0.label }.count) / Double(max(items.count, 1))
        }
        var groupAccuracy: [String: Double] = [:]
        for group in Set(judged.map(\.group)) { groupAccuracy[group] = accuracy(judged.filter { $0.group == group }[...]) }
        // Dev split by example, so a caption and its flip stay together.
        let devExamples = Int((Double(examples.count) * devFraction).rounded())
        let dev = judged.filter { $0.example < devExamples }, test = judged.filter { $0.example >= devExamples }
        var threshold: Double?, thresholdAccuracy: Double?
        if let fixedThreshold {
            threshold = fixedThreshold
            thresholdAccuracy = Double(judged.filter { ($0.score > fixedThreshold) == $0.label }.count) / Double(judged.count)
        } else if !dev.isEmpty && !test.isEmpty {
            let sorted = Array(Set(dev.map(\.score))).sorted()
            let cuts = [sorted[0] - 1e-6] + zip(sorted, sorted.dropFirst()).map { ($0 + $1) / 2 } + [sorted[sorted.count - 1] + 1e-6]
            var best = (accuracy: -1.0, threshold: 0.0)
            for cut in cuts {
                let correct = Double(dev.filter { ($0.score > cut) == $0.label }.count) / Double(dev.count)
                if correct > best.accuracy { best = (correct, cut) }
            }
            threshold = best.threshold
            thresholdAccuracy = Double(test.filter { ($0.score > best.threshold) == $0.label }.count) / Double(test.count)
        }
        let truths = examples.indices.filter { examples[$0].label }
        let groups = truths.map { examples[$0].group ?? examples[$0].triple.relation.text }
        let groupNames = Array(Set(groups)).sorted()
        let groupNumbers = Dictionary(uniqueKeysWithValues: groupNames.enumerated().map { ($0.element, $0.offset) })
        let labels = groups.map { groupNumbers[$0]! }
        var silhouettes: [Double?] = [nil, nil, nil, nil]
        var textGroupSilhouettes: [String: GroupSilhouette]?, imageGroupSilhouettes: [String: GroupSilhouette]?
        if groupNumbers.count >= 2 && groupNumbers.count < truths.count {
            let texts = Tensor.gather(rowsOf: features.texts, indices: truths), images = Tensor.gather(rowsOf: features.images, indices: truths)
            silhouettes[0] = try SilhouetteScore.mean(points: texts, labels: labels)
            silhouettes[1] = try SilhouetteScore.mean(points: images, labels: labels)
            textGroupSilhouettes = try groupSilhouettes(points: texts, labels: labels, names: groupNames)
            imageGroupSilhouettes = try groupSilhouettes(points: images, labels: labels, names: groupNames)
            if let columns = features.relationColumns {
                silhouettes[2] = try SilhouetteScore.mean(points: columnsOf(texts, columns), labels: labels)
                silhouettes[3] = try SilhouetteScore.mean(points: columnsOf(images, columns), labels: labels)
            }
        }
        return Report(captions: judged.count, pairedAccuracy: accuracy(judged[...]), thresholdAccuracy: thresholdAccuracy, threshold: threshold,
                      groupAccuracy: groupAccuracy, textSilhouette: silhouettes[0], imageSilhouette: silhouettes[1],
                      relationTextSilhouette: silhouettes[2], relationImageSilhouette: silhouettes[3],
                      textGroupSilhouettes: textGroupSilhouettes, imageGroupSilhouettes: imageGroupSilhouettes)
    }

    /// Columns `columns` of a `[N, D]` matrix.
    static func columnsOf(_ matrix: Tensor, _ columns: Range<Int>) -> Tensor {
        let width = matrix.shape[1], values = matrix.scalars
        return Tensor(shape: [matrix.shape[0], columns.count],
                      scalars: (0..<matrix.shape[0]).flatMap { row in values[(row * width + columns.lowerBound)..<(row * width + columns.upperBound)] })
    }
}
