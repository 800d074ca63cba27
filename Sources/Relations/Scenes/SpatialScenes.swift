import Foundation
import Imaging
import Tensor

/// CLEVR-style two-object scenes for relation learning (SA-CLIP, Li et al. 2025, §3.1: "two
/// objects of controlled visual features … placed in one of eight spatial configurations"),
/// drawn by `RayCaster` so front and behind show as height in the image, size, occlusion and
/// shadows. Each scene has a caption in one of several phrasings and forms ("The small red cube is
/// to the left of the blue sphere.", "A red cube left of a blue sphere.", "There is a cube …"),
/// its true triple with character spans, both objects' boxes, and the relation-flipped false
/// caption.
///
/// Splits hold out whole shape–colour combinations: a seeded `heldOutFraction` of the 24
/// combinations never appears in training scenes, and every held-out scene shows at least one of
/// them, so held-out accuracy measures relations on objects the model has not seen. Both splits
/// use all eight configurations, with fresh positions, unless `heldOutConfigurations` names some:
/// training scenes then never show those (neither in the image nor in a caption, true or
/// flipped — the set must be closed under `opposite`), while held-out scenes still cycle through
/// all eight, so a held-out configuration such as front-left is judged from words ("front",
/// "left") and layouts seen only in other combinations (front-right, behind-left, left).
public struct SpatialScenes: Sendable {
    public enum Split: String, Codable, Sendable { case train, heldOut = "held_out" }

    /// One scene: what is where and how the caption says it.
    public struct Scene: Codable, Sendable, Hashable {
        public var subject: SceneObject
        public var object: SceneObject
        public var configuration: SpatialConfiguration
        /// Index into `configuration.phrases`.
        public var phrasing: Int
        /// 0: "The … is … the …."; 1: "A … … a …."; 2: "There is a … … a …."
        public var form: Int
        /// Whether the caption names the objects' sizes ("small red cube").
        public var namesSizes: Bool
        /// The configuration the caption states when it is not `configuration` itself: one axis of
        /// a diagonal scene (`withSingleAxisCaptions`); nil: the caption states `configuration`.
        public var captionConfiguration: SpatialConfiguration?

        public init(subject: SceneObject, object: SceneObject, configuration: SpatialConfiguration, phrasing: Int, form: Int,
                    namesSizes: Bool, captionConfiguration: SpatialConfiguration? = nil) {
            self.subject = subject
            self.object = object
            self.configuration = configuration
            self.phrasing = phrasing
            self.form = form
            self.namesSizes = namesSizes
            self.captionConfiguration = captionConfiguration
        }

        /// The configuration the caption states.
        public var statedConfiguration: SpatialConfiguration { captionConfiguration ?? configuration }
    }

    public let renderer: RayCaster
    public let trainStyles: [SceneObject.Style]
    public let heldOutStyles: [SceneObject.Style]
    /// Configurations training scenes never show (empty: none).
    public let heldOutConfigurations: Set<SpatialConfiguration>

    /// Splits the shape–colour combinations with `seed`; `heldOutConfigurations` must be closed
    /// under `opposite` and leave at least one configuration for training (checked with clear
    /// errors by `heldOutConfigurations(named:)`).
    public init(imageSize: Int = 128, heldOutFraction: Double = 0.25, heldOutConfigurations: Set<SpatialConfiguration> = [],
                seed: UInt64 = 0) {
        precondition(heldOutConfigurations.allSatisfy { heldOutConfigurations.contains($0.opposite) },
                     "held-out configurations must include their opposites")
        precondition(heldOutConfigurations.count < SpatialConfiguration.allCases.count, "no configuration is left for training")
        self.heldOutConfigurations = heldOutConfigurations
        precondition(imageSize >= 32, "scenes need at least 32 pixels")
        precondition((0..<1).contains(heldOutFraction), "the held-out fraction must lie in [0, 1)")
        renderer = RayCaster(width: imageSize, height: imageSize)
        var generator = SeededGenerator(seed: seed ^ 0x5CE_4E5)
        var styles = SceneObject.Style.all
        styles.shuffle(using: &generator)
        let heldOutCount = Int((Double(styles.count) * heldOutFraction).rounded())
        heldOutStyles = Array(styles.prefix(heldOutCount))
        trainStyles = Array(styles.dropFirst(heldOutCount))
    }

    /// The configurations `names` ("front-left", "behind-right") as a held-out set, or an error
    /// naming what is wrong: an unknown name, a missing opposite (a flipped training caption
    /// would name it), or nothing left to train on.
    public static func heldOutConfigurations(named names: [String]) throws -> Set<SpatialConfiguration> {
        let configurations = try Set(names.map { name -> SpatialConfiguration in
            guard let configuration = SpatialConfiguration(rawValue: name) else {
                let known = SpatialConfiguration.allCases.map(\.rawValue).joined(separator: ", ")
                throw RelationError.invalidConfiguration("unknown spatial configuration \"\(name)\" (known: \(known))")
            }
            return configuration
        })
        let missing = configurations.filter { !configurations.contains($0.opposite) }.map(\.opposite.rawValue).sorted()
        guard missing.isEmpty else {
            throw RelationError.invalidConfiguration("held-out configurations must include their opposites, whose flipped training "
                                                     + "captions would name them: add \(missing.joined(separator: ", "))")
        }
        guard configurations.count < SpatialConfiguration.allCases.count else {
            throw RelationError.invalidConfiguration("holding out all eight configurations leaves nothing to train on")
        }
        return configurations
    }

    /// `count` scenes of `split` drawn from `seed`, configurations in turn (balanced; training
    /// scenes skip `heldOutConfigurations`).
    public func scenes(_ count: Int, split: Split, seed: UInt64) -> [Scene] {
        precondition(split == .train || !heldOutStyles.isEmpty, "no shape–colour combination is held out")
        var generator = SeededGenerator(seed: seed)
        let configurations = SpatialConfiguration.allCases.filter { split == .heldOut || !heldOutConfigurations.contains($0) }
        return (0..<count).map { index in
            let configuration = configurations[index % configurations.count]
            var subjectStyle: SceneObject.Style, objectStyle: SceneObject.Style
            repeat {
                if split == .train {
                    subjectStyle = trainStyles.randomElement(using: &generator)!
                    objectStyle = trainStyles.randomElement(using: &generator)!
                } else {
                    // At least one held-out combination; the other from anywhere.
                    let heldOut = heldOutStyles.randomElement(using: &generator)!
                    let other = SceneObject.Style.all.randomElement(using: &generator)!
                    (subjectStyle, objectStyle) = Bool.random(using: &generator) ? (heldOut, other) : (other, heldOut)
                }
            } while subjectStyle == objectStyle
            let (subject, object) = place(subjectStyle, objectStyle, configuration: configuration, generator: &generator)
            return Scene(subject: subject, object: object, configuration: configuration,
                         phrasing: Int.random(in: 0..<configuration.phrases.count, using: &generator),
                         form: Int.random(in: 0..<3, using: &generator), namesSizes: Bool.random(using: &generator))
        }
    }

    /// `scenes` with a seeded `fraction` of the diagonal ones captioned by one of their two axes
    /// instead ("in front of" or "to the right of" for a front-right scene, each axis equally
    /// often, a phrasing of that axis drawn at random; the flipped negative then flips that axis
    /// only: "behind", "to the left of"). Both statements are true of the scene, so the image
    /// side has to carry each axis's evidence separately for diagonal layouts, in the same terms
    /// as the axial scenes, and the words "front" and "right" (always together in front-right
    /// captions) are each tied to the geometry on their own. An axis in `heldOutConfigurations` is
    /// never named. Images, groups and the scenes' other fields are unchanged, and the draws come
    /// from a generator of their own, so the scenes themselves are those of `scenes(_:split:seed:)`.
    public func withSingleAxisCaptions(_ scenes: [Scene], fraction: Double, seed: UInt64) -> [Scene] {
        precondition((0...1).contains(fraction), "the single-axis caption fraction must lie in [0, 1]")
        guard fraction > 0 else { return scenes }
        var generator = SeededGenerator(seed: seed ^ 0xA_C5E5)
        return scenes.map { scene in
            let axes = scene.configuration.axes.filter { !heldOutConfigurations.contains($0) }
            guard scene.configuration.axes.count == 2, !axes.isEmpty else { return scene }
            let chosen = Double.random(in: 0..<1, using: &generator) < fraction
            let axis = axes.randomElement(using: &generator)!
            let phrasing = Int.random(in: 0..<axis.phrases.count, using: &generator)
            guard chosen else { return scene }
            var captioned = scene
            captioned.captionConfiguration = axis
            captioned.phrasing = phrasing
            return captioned
        }
    }

    /// Positions: the object near the middle, the subject 1.5–2.4 units away in the
    /// configuration's direction (±12°), apart and fully in view.
    func place(_ subjectStyle: SceneObject.Style, _ objectStyle: SceneObject.Style, configuration: SpatialConfiguration,
               generator: inout SeededGenerator) -> (SceneObject, SceneObject) {
        func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &generator) }
        while true {
            let subjectSize = SceneObject.Size.allCases.randomElement(using: &generator)!
            let objectSize = SceneObject.Size.allCases.randomElement(using: &generator)!
            let object = SceneObject(style: objectStyle, size: objectSize, x: uniform(-1.2...1.2), z: uniform(-1.2...1.2),
                                     rotation: uniform(0...(Double.pi / 2)))
            let angle = atan2(configuration.direction.z, configuration.direction.x) + uniform(-0.21...0.21)
            let distance = subjectSize.halfExtent + objectSize.halfExtent + uniform(0.6...1.3)
            let subject = SceneObject(style: subjectStyle, size: subjectSize, x: object.x + distance * cos(angle),
                                      z: object.z + distance * sin(angle), rotation: uniform(0...(Double.pi / 2)))
            let inView = [subject, object].allSatisfy { item in
                guard let box = renderer.boundingBox(of: item.solid) else { return false }
                return box.left > 1 && box.top > 1 && box.right < Double(renderer.width - 1) && box.bottom < Double(renderer.height - 1)
            }
            if inView { return (subject, object) }
        }
    }

    /// The scene's caption, true triple and the objects' boxes, with its flipped false caption.
    public func example(_ scene: Scene) throws -> RelationExample {
        let image = renderer.render([scene.subject.solid, scene.object.solid])
        let (caption, triple) = try Self.caption(scene)
        guard let subjectBox = renderer.boundingBox(of: scene.subject.solid), let objectBox = renderer.boundingBox(of: scene.object.solid) else {
            throw RelationError.incompleteExample("a scene object is out of view")
        }
        return RelationExample(image: .inMemory(image), caption: caption, triple: triple,
                               negative: try NegativeCaption(of: caption, triple: triple), subjectBox: subjectBox, objectBox: objectBox,
                               label: true, group: scene.configuration.rawValue)
    }

    /// The examples of `scenes`, rendered on all cores.
    public func examples(_ scenes: [Scene]) throws -> [RelationExample] {
        try ParallelPreparation.results(count: scenes.count) { try example(scenes[$0]) }.map { try $0.get() }
    }

    /// The caption of a scene and its triple, spans counted as the caption is assembled.
    public static func caption(_ scene: Scene) throws -> (String, RelationTriple) {
        let stated = scene.statedConfiguration
        let relation = stated.phrases[scene.phrasing % stated.phrases.count]
        let subjectWords = scene.subject.phrase(includingSize: scene.namesSizes)
        let objectWords = scene.object.phrase(includingSize: scene.namesSizes)
        let parts: [String]
        switch scene.form {
        case 0: parts = ["The ", subjectWords, " is ", relation, " the ", objectWords, "."]
        case 1: parts = ["A ", subjectWords, " ", relation, " a ", objectWords, "."]
        default: parts = ["There is a ", subjectWords, " ", relation, " a ", objectWords, "."]
        }
        var offsets: [Int] = [0]
        for part in parts { offsets.append(offsets.last! + part.unicodeScalars.count) }
        let caption = parts.joined()
        // The noun is the last word of each object phrase.
        let subjectEnd = offsets[2], objectEnd = offsets[6]
        let subject = try CaptionPhrase(in: caption, characters: (subjectEnd - scene.subject.noun.count)..<subjectEnd)
        let object = try CaptionPhrase(in: caption, characters: (objectEnd - scene.object.noun.count)..<objectEnd)
        let relationPhrase = try CaptionPhrase(in: caption, characters: offsets[3]..<offsets[4])
        return (caption, RelationTriple(subject: subject, relation: relationPhrase, object: object))
    }
}
