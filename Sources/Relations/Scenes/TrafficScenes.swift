import Foundation
import Imaging
import Tensor

/// Bird's-eye traffic frames for zero-shot anomaly scoring in the spirit of SA-CLIP's DoTA
/// evaluation (Li et al. 2025, §3.1, App. C; Yao et al. 2022 for DoTA): a two-lane road between
/// two sidewalks (traffic drives up the left lane and down the right one), cars with windscreens
/// at the front and red lights at the back, pedestrians, cyclists with a white front light, and
/// traffic cones. A normal frame keeps everyone where they belong; an anomalous frame has one of
/// five anomalies: a car on the sidewalk, a pedestrian lying on the road, two cars overlapping, a
/// car across the lanes, a cyclist against the traffic.
///
/// Every frame carries its objects with their categories and boxes (what a detector would give,
/// for grounding a description's subject and object) and one caption about a relation it shows,
/// with that caption's opposite (a normal statement for an anomaly and the reverse) as the
/// negative. `normalDescriptions` and `anomalyDescriptions` are the two description sets of
/// Eq. 11. The held-out split uses other random placements and colours than training.
///
/// With `cyclistLaneCar` every cyclist frame also shows a car in the cyclist's lane, ahead of the
/// cyclist and driving the lane's way: with the traffic the cyclist follows it (its red rear
/// lights face the cyclist's white front light), against the traffic the car comes head-on (its
/// windscreen faces the light). The cyclist's statements then say so, relative to that car: "A
/// cyclist is following the car." and "A cyclist is facing the oncoming car." (object: the car),
/// so the text names what the image shows next to the cyclist instead of a lane rule ("with the
/// traffic", grounded to the whole road). Frames of other situations, and every frame without
/// the option, are drawn as before.
public struct TrafficScenes: Sendable {
    public typealias Split = SpatialScenes.Split

    /// What can go wrong in a frame.
    public enum Anomaly: String, Codable, Sendable, CaseIterable {
        case carOnSidewalk = "car_on_sidewalk", pedestrianOnRoad = "pedestrian_on_road", carsOverlapping = "cars_overlapping"
        case carAcrossLanes = "car_across_lanes", cyclistAgainstTraffic = "cyclist_against_traffic"
    }

    /// A frame's situation, each with a normal and an anomalous statement about the same subject.
    public enum Situation: Int, Codable, Sendable, CaseIterable {
        case carPlacement, pedestrianPlacement, carFollowing, carHeading, cyclistHeading

        /// The anomaly of this situation.
        public var anomaly: Anomaly {
            switch self {
            case .carPlacement: .carOnSidewalk
            case .pedestrianPlacement: .pedestrianOnRoad
            case .carFollowing: .carsOverlapping
            case .carHeading: .carAcrossLanes
            case .cyclistHeading: .cyclistAgainstTraffic
            }
        }

        /// (subject, relation, object) of the normal statement.
        public var normal: (String, String, String) {
            switch self {
            case .carPlacement: ("car", "driving on", "road")
            case .pedestrianPlacement: ("pedestrian", "walking on", "sidewalk")
            case .carFollowing: ("car", "driving behind", "car")
            case .carHeading: ("car", "driving along", "road")
            case .cyclistHeading: ("cyclist", "riding with", "traffic")
            }
        }

        /// (subject, relation, object) of the anomalous statement.
        public var anomalous: (String, String, String) {
            switch self {
            case .carPlacement: ("car", "driving on", "sidewalk")
            case .pedestrianPlacement: ("pedestrian", "lying on", "road")
            case .carFollowing: ("car", "crashing into", "car")
            case .carHeading: ("car", "standing across", "road")
            case .cyclistHeading: ("cyclist", "riding against", "traffic")
            }
        }
    }

    /// One object of a frame: a category ("car", "pedestrian", "cyclist", "cone", "road",
    /// "sidewalk") and its box.
    public struct FrameObject: Codable, Sendable, Equatable {
        public var category: String
        public var box: PixelBox
    }

    /// A drawn frame.
    public struct Frame: Sendable {
        public var image: RGBImage
        public var anomaly: Anomaly?
        public var situation: Situation
        public var objects: [FrameObject]
        /// The boxes of the caption's subject and object.
        public var subjectBox: PixelBox
        public var objectBox: PixelBox

        /// The box of the frame's object of `category` whose centre is nearest to `box`'s centre
        /// (the sidewalk beside a car, the road under a pedestrian); nil when there is none.
        public func nearest(category: String, to box: PixelBox) -> PixelBox? {
            func distance(_ other: PixelBox) -> Double {
                let dx = (other.left + other.right - box.left - box.right) / 2, dy = (other.top + other.bottom - box.top - box.bottom) / 2
                return dx * dx + dy * dy
            }
            return objects.filter { $0.category == category }.map(\.box).min { distance($0) < distance($1) }
        }
    }

    /// A frame to draw: its situation, whether it is anomalous, and the seed of its layout.
    public struct Scene: Codable, Sendable, Hashable {
        public var situation: Situation
        public var isAnomalous: Bool
        public var seed: UInt64
    }

    public let imageSize: Int
    public let seed: UInt64
    /// Cyclist frames show a car ahead in the cyclist's lane and state the cyclist's direction
    /// relative to it (`sa_clip.data.cyclist_lane_car`). Default false.
    public let cyclistLaneCar: Bool

    public init(imageSize: Int = 128, seed: UInt64 = 0, cyclistLaneCar: Bool = false) {
        precondition(imageSize >= 64, "traffic frames need at least 64 pixels")
        self.imageSize = imageSize
        self.seed = seed
        self.cyclistLaneCar = cyclistLaneCar
    }

    /// The cyclist's statements relative to the car ahead in its lane (`cyclistLaneCar`).
    public static let cyclistLaneCarNormal = ("cyclist", "following", "car")
    public static let cyclistLaneCarAnomalous = ("cyclist", "facing", "oncoming car")

    /// The normal statement of `situation` in this generator's frames.
    public func normalStatement(_ situation: Situation) -> (String, String, String) {
        cyclistLaneCar && situation == .cyclistHeading ? Self.cyclistLaneCarNormal : situation.normal
    }

    /// The anomalous statement of `situation` in this generator's frames.
    public func anomalousStatement(_ situation: Situation) -> (String, String, String) {
        cyclistLaneCar && situation == .cyclistHeading ? Self.cyclistLaneCarAnomalous : situation.anomalous
    }

    /// D_b of Eq. 11 for this generator's frames (`normalDescriptions` unless `cyclistLaneCar`).
    public var frameNormalDescriptions: [String] { Situation.allCases.map { Self.sentence(normalStatement($0)) } }
    /// D_a of Eq. 11 for this generator's frames (`anomalyDescriptions` unless `cyclistLaneCar`).
    public var frameAnomalyDescriptions: [String] { Situation.allCases.map { Self.sentence(anomalousStatement($0)) } }

    /// "A car is driving on the road." for a (subject, relation, object) statement.
    public static func sentence(_ statement: (String, String, String)) -> String {
        "A \(statement.0) is \(statement.1) the \(statement.2)."
    }

    /// The descriptions of normal scenes (D_b of Eq. 11).
    public static var normalDescriptions: [String] { Situation.allCases.map { sentence($0.normal) } }
    /// The descriptions of anomalous scenes (D_a of Eq. 11).
    public static var anomalyDescriptions: [String] { Situation.allCases.map { sentence($0.anomalous) } }

    /// `count` frames of `split`: situations in turn, every other one anomalous.
    public func scenes(_ count: Int, split: Split, seed: UInt64) -> [Scene] {
        var generator = SeededGenerator(seed: seed ^ (split == .train ? 0x7EA1 : 0x4E1D))
        return (0..<count).map { index in
            Scene(situation: Situation.allCases[(index / 2) % Situation.allCases.count], isAnomalous: index % 2 == 1,
                  seed: generator.next())
        }
    }

    /// Draws a frame.
    public func frame(_ scene: Scene) -> Frame {
        var generator = SeededGenerator(seed: scene.seed)
        func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &generator) }
        let size = Double(imageSize)
        let unit = size / 128  // drawing unit: sizes are given for a 128-pixel frame
        let sidewalk = 24 * unit, middle = size / 2
        var canvas = TopDownCanvas(width: imageSize, height: imageSize, background: SIMD3(0.2, 0.2, 0.21))
        // Sidewalks, kerbs and lane markings.
        let leftSidewalk = canvas.rectangle(x: sidewalk / 2, y: middle, length: size, breadth: sidewalk, angle: 0, color: SIMD3(0.55, 0.53, 0.5))
        let rightSidewalk = canvas.rectangle(x: size - sidewalk / 2, y: middle, length: size, breadth: sidewalk, angle: 0,
                                             color: SIMD3(0.55, 0.53, 0.5))
        canvas.rectangle(x: sidewalk, y: middle, length: size, breadth: 1.5 * unit, angle: 0, color: SIMD3(0.8, 0.8, 0.78))
        canvas.rectangle(x: size - sidewalk, y: middle, length: size, breadth: 1.5 * unit, angle: 0, color: SIMD3(0.8, 0.8, 0.78))
        for dash in stride(from: 4 * unit, to: size, by: 16 * unit) {
            canvas.rectangle(x: middle, y: dash + 4 * unit, length: 8 * unit, breadth: 1.5 * unit, angle: 0, color: SIMD3(0.9, 0.85, 0.4))
        }
        let road = PixelBox(left: sidewalk, top: 0, right: size - sidewalk, bottom: size)
        var objects = [FrameObject(category: "road", box: road), FrameObject(category: "sidewalk", box: leftSidewalk),
                       FrameObject(category: "sidewalk", box: rightSidewalk)]
        let leftLane = (sidewalk + middle) / 2, rightLane = (middle + size - sidewalk) / 2
        // Heading: up (0) in the left lane, down (π) in the right lane.
        func laneHeading(_ x: Double) -> Double { x < middle ? 0 : Double.pi }
        func randomColor() -> SIMD3<Double> {
            [SIMD3(0.7, 0.08, 0.08), SIMD3(0.1, 0.25, 0.7), SIMD3(0.85, 0.85, 0.85), SIMD3(0.08, 0.45, 0.15), SIMD3(0.8, 0.6, 0.05),
             SIMD3(0.35, 0.1, 0.5)].randomElement(using: &generator)!
        }
        @discardableResult
        func car(x: Double, y: Double, heading: Double) -> PixelBox {
            let box = canvas.rectangle(x: x, y: y, length: 26 * unit, breadth: 14 * unit, angle: heading, color: randomColor())
            let forward = (sin(heading), -cos(heading))
            // Windscreen towards the front, red lights at the back.
            canvas.rectangle(x: x + forward.0 * 5 * unit, y: y + forward.1 * 5 * unit, length: 5 * unit, breadth: 11 * unit, angle: heading,
                             color: SIMD3(0.55, 0.75, 0.9))
            for side in [-4.5, 4.5] {
                let across = (cos(heading), sin(heading))
                canvas.rectangle(x: x - forward.0 * 12 * unit + across.0 * side * unit, y: y - forward.1 * 12 * unit + across.1 * side * unit,
                                 length: 2 * unit, breadth: 3 * unit, angle: heading, color: SIMD3(0.95, 0.05, 0.05))
            }
            objects.append(FrameObject(category: "car", box: box))
            return box
        }
        @discardableResult
        func pedestrian(x: Double, y: Double, lying: Bool) -> PixelBox {
            let coat = randomColor()
            let box: PixelBox
            if lying {
                let angle = Double.pi / 2 + uniform(-0.4...0.4)
                box = canvas.ellipse(x: x, y: y, length: 16 * unit, breadth: 6 * unit, angle: angle, color: coat)
                canvas.ellipse(x: x + sin(angle) * 8 * unit, y: y - cos(angle) * 8 * unit, length: 5 * unit, breadth: 5 * unit, angle: 0,
                               color: SIMD3(0.85, 0.65, 0.5))
            } else {
                box = canvas.ellipse(x: x, y: y, length: 6 * unit, breadth: 10 * unit, angle: 0, color: coat)
                canvas.ellipse(x: x, y: y, length: 4.5 * unit, breadth: 4.5 * unit, angle: 0, color: SIMD3(0.85, 0.65, 0.5))
            }
            objects.append(FrameObject(category: "pedestrian", box: box))
            return box
        }
        @discardableResult
        func cyclist(x: Double, y: Double, heading: Double) -> PixelBox {
            let box = canvas.rectangle(x: x, y: y, length: 16 * unit, breadth: 3 * unit, angle: heading, color: SIMD3(0.1, 0.1, 0.1))
            canvas.ellipse(x: x, y: y, length: 5 * unit, breadth: 7 * unit, angle: heading, color: randomColor())
            let forward = (sin(heading), -cos(heading))
            canvas.ellipse(x: x + forward.0 * 7 * unit, y: y + forward.1 * 7 * unit, length: 3 * unit, breadth: 3 * unit, angle: 0,
                           color: SIMD3(1, 1, 0.85))
            objects.append(FrameObject(category: "cyclist", box: box))
            return box
        }
        func cone(x: Double, y: Double) {
            let box = canvas.ellipse(x: x, y: y, length: 5 * unit, breadth: 5 * unit, angle: 0, color: SIMD3(0.95, 0.45, 0.05))
            objects.append(FrameObject(category: "cone", box: box))
        }

        // Background traffic that never touches the situation's own objects (top or bottom band).
        let situationBand = uniform(0...1) < 0.5  // true: situation in the lower half
        let bandY = situationBand ? size * 0.68 : size * 0.32
        let otherY = situationBand ? size * 0.2 : size * 0.8
        if uniform(0...1) < 0.7 {
            let x = uniform(0...1) < 0.5 ? leftLane : rightLane
            car(x: x + uniform(-2...2) * unit, y: otherY + uniform(-4...4) * unit, heading: laneHeading(x))
        }
        for _ in 0..<Int.random(in: 0...2, using: &generator) {
            let x = uniform(0...1) < 0.5 ? sidewalk * uniform(0.3...0.7) : size - sidewalk * uniform(0.3...0.7)
            pedestrian(x: x, y: uniform(0...1) < 0.5 ? otherY + uniform(-10...10) * unit : uniform(6...(size / 8)) * 1, lying: false)
        }
        if uniform(0...1) < 0.5 { cone(x: uniform(0...1) < 0.5 ? sidewalk - 4 * unit : size - sidewalk + 4 * unit, y: uniform(8...(size - 8))) }

        // The situation.
        let laneX = uniform(0...1) < 0.5 ? leftLane : rightLane
        let subjectBox: PixelBox, objectBox: PixelBox
        switch (scene.situation, scene.isAnomalous) {
        case (.carPlacement, false):
            subjectBox = car(x: laneX + uniform(-2...2) * unit, y: bandY + uniform(-6...6) * unit, heading: laneHeading(laneX))
            objectBox = road
        case (.carPlacement, true):
            let onLeft = laneX < middle
            let x = onLeft ? sidewalk * uniform(0.35...0.6) : size - sidewalk * uniform(0.35...0.6)
            subjectBox = car(x: x, y: bandY + uniform(-6...6) * unit, heading: laneHeading(laneX) + uniform(-0.15...0.15))
            objectBox = onLeft ? leftSidewalk : rightSidewalk
        case (.pedestrianPlacement, false):
            let onLeft = uniform(0...1) < 0.5
            subjectBox = pedestrian(x: onLeft ? sidewalk * uniform(0.3...0.7) : size - sidewalk * uniform(0.3...0.7),
                                    y: bandY + uniform(-8...8) * unit, lying: false)
            objectBox = onLeft ? leftSidewalk : rightSidewalk
        case (.pedestrianPlacement, true):
            subjectBox = pedestrian(x: laneX + uniform(-6...6) * unit, y: bandY + uniform(-6...6) * unit, lying: true)
            objectBox = road
        case (.carFollowing, let crash):
            let heading = laneHeading(laneX)
            let gap = crash ? uniform(10...16) * unit : uniform(32...38) * unit
            let ahead = (heading == 0 ? -1.0 : 1.0)  // the car ahead is further along the heading
            let behindY = bandY - ahead * gap / 2
            subjectBox = car(x: laneX + uniform(-2...2) * unit, y: behindY, heading: heading + (crash ? uniform(-0.3...0.3) : 0))
            objectBox = car(x: laneX + uniform(-2...2) * unit, y: behindY + ahead * gap, heading: heading + (crash ? uniform(-0.3...0.3) : 0))
        case (.carHeading, false):
            subjectBox = car(x: laneX + uniform(-2...2) * unit, y: bandY, heading: laneHeading(laneX))
            objectBox = road
        case (.carHeading, true):
            subjectBox = car(x: middle + uniform(-6...6) * unit, y: bandY, heading: Double.pi / 2 + uniform(-0.35...0.35)
                                                                                      + (uniform(0...1) < 0.5 ? 0 : Double.pi))
            objectBox = road
        case (.cyclistHeading, let against) where cyclistLaneCar:
            // The cyclist and the car ahead of it (along the cyclist's heading) centred on the band.
            let x = laneX < middle ? sidewalk + 6 * unit : size - sidewalk - 6 * unit
            let heading = laneHeading(x) + (against ? Double.pi : 0)
            let ahead = -cos(heading)  // +1: down the frame, −1: up
            let separation = (8 + 13 + uniform(6...12)) * unit  // half the cyclist + half the car + the gap
            let y = bandY + uniform(-4...4) * unit
            subjectBox = cyclist(x: x, y: y - ahead * separation / 2, heading: heading)
            objectBox = car(x: laneX + uniform(-2...2) * unit, y: y + ahead * separation / 2, heading: laneHeading(laneX))
        case (.cyclistHeading, let against):
            let x = laneX < middle ? sidewalk + 6 * unit : size - sidewalk - 6 * unit
            subjectBox = cyclist(x: x, y: bandY + uniform(-8...8) * unit, heading: laneHeading(x) + (against ? Double.pi : 0))
            objectBox = road
        }
        return Frame(image: canvas.image(), anomaly: scene.isAnomalous ? scene.situation.anomaly : nil, situation: scene.situation,
                     objects: objects, subjectBox: subjectBox, objectBox: objectBox)
    }

    /// The relation example of a frame: its statement (anomalous or normal) with the opposite
    /// statement as the negative; `group` is "normal" or the anomaly's name.
    public func example(_ scene: Scene) throws -> RelationExample {
        let frame = frame(scene)
        let statement = scene.isAnomalous ? anomalousStatement(scene.situation) : normalStatement(scene.situation)
        let opposite = scene.isAnomalous ? normalStatement(scene.situation) : anomalousStatement(scene.situation)
        let (caption, triple) = try Self.captioned(statement)
        let (negativeCaption, negativeTriple) = try Self.captioned(opposite)
        return RelationExample(image: .inMemory(frame.image), caption: caption, triple: triple,
                               negative: NegativeCaption(caption: negativeCaption, triple: negativeTriple),
                               subjectBox: frame.subjectBox, objectBox: frame.objectBox, label: true,
                               group: frame.anomaly?.rawValue ?? "normal",
                               negativeObjectBox: Self.head(opposite.2) == Self.head(statement.2) ? nil
                                   : frame.nearest(category: Self.head(opposite.2), to: frame.subjectBox))
    }

    /// The examples of `scenes`, drawn on all cores.
    public func examples(_ scenes: [Scene]) throws -> [RelationExample] {
        try ParallelPreparation.results(count: scenes.count) { try example(scenes[$0]) }.map { try $0.get() }
    }

    /// The head noun of an object phrase ("car" of "oncoming car"): its frame category.
    static func head(_ phrase: String) -> String { phrase.split(separator: " ").last.map(String.init) ?? phrase }

    /// "A car is driving on the road." with its triple's spans; the object's span is its head noun
    /// ("car" of "the oncoming car"), as the miner gives it when Eq. 11 mines the descriptions.
    static func captioned(_ statement: (String, String, String)) throws -> (String, RelationTriple) {
        let caption = sentence(statement)
        let subjectStart = 2, relationStart = subjectStart + statement.0.count + 4
        let objectEnd = relationStart + statement.1.count + 5 + statement.2.count
        let objectStart = objectEnd - head(statement.2).count
        return (caption, RelationTriple(
            subject: try CaptionPhrase(in: caption, characters: subjectStart..<(subjectStart + statement.0.count)),
            relation: try CaptionPhrase(in: caption, characters: relationStart..<(relationStart + statement.1.count)),
            object: try CaptionPhrase(in: caption, characters: objectStart..<objectEnd)))
    }
}
