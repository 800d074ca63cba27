import CCodecs
import Datasets
import Foundation
import Imaging
import Tensor

/// A captioned data set that CLIPKit draws itself: two coloured shapes (circle, square, triangle)
/// on a small canvas, in a spatial relation, captioned like "a red circle left of a blue square".
/// Everything comes from a seed, so tests and demos need no download.
///
/// The held-out split holds out whole *layouts*: a layout is an ordered pair of distinct
/// (colour, shape) objects plus an axis, and "A left of B" and "B right of A" are the same layout.
/// A seeded fraction of the 420 layouts is held out, so held-out captions describe scenes never
/// seen in training in either phrasing (compositional generalisation, as in SA-CLIP's controlled
/// two-object scenes).
public struct SyntheticShapes: Sendable {
    public enum Shape: String, Codable, Sendable, CaseIterable { case circle, square, triangle }

    public enum Color: String, Codable, Sendable, CaseIterable {
        case red, green, blue, yellow, purple
        /// The fill colour.
        public var rgb: (UInt8, UInt8, UInt8) {
            switch self {
            case .red: (214, 39, 40)
            case .green: (44, 160, 44)
            case .blue: (31, 90, 220)
            case .yellow: (230, 200, 30)
            case .purple: (148, 70, 190)
            }
        }
    }

    public enum Relation: String, Codable, Sendable, CaseIterable {
        case leftOf = "left of", rightOf = "right of", above, below
        /// The same relation seen from the other object.
        public var converse: Relation {
            switch self {
            case .leftOf: .rightOf
            case .rightOf: .leftOf
            case .above: .below
            case .below: .above
            }
        }
    }

    public struct Object: Codable, Sendable, Hashable {
        public var color: Color
        public var shape: Shape
        public var phrase: String { "\(color.rawValue) \(shape.rawValue)" }
    }

    /// What one image shows: `first` is `relation` `second`.
    public struct Scene: Codable, Sendable, Hashable {
        public var first: Object
        public var relation: Relation
        public var second: Object
        /// "a red circle left of a blue square".
        public var caption: String { "a \(first.phrase) \(relation.rawValue) a \(second.phrase)" }
        /// The same layout phrased with "left of" or "above".
        public var canonical: Scene {
            relation == .rightOf || relation == .below ? Scene(first: second, relation: relation.converse, second: first) : self
        }
    }

    /// One drawn example.
    public struct Example: Sendable {
        public var image: RGBImage
        public var scene: Scene
        public var caption: String { scene.caption }
    }

    public enum Split: String, Codable, Sendable { case train, heldOut = "held_out" }

    /// Canvas width and height in pixels.
    public let canvasSize: Int
    /// Layouts (canonical scenes) of each split.
    public let trainLayouts: [Scene]
    public let heldOutLayouts: [Scene]

    /// Splits the layouts with `seed`; `heldOutFraction` of them are held out.
    public init(canvasSize: Int = 64, heldOutFraction: Double = 0.2, seed: UInt64 = 0) {
        precondition(canvasSize >= 32, "the canvas must be at least 32 pixels")
        precondition((0..<1).contains(heldOutFraction), "the held-out fraction must lie in [0, 1)")
        self.canvasSize = canvasSize
        let objects = Color.allCases.flatMap { color in Shape.allCases.map { Object(color: color, shape: $0) } }
        var layouts: [Scene] = []
        for first in objects {
            for second in objects where second != first {
                for relation in [Relation.leftOf, .above] { layouts.append(Scene(first: first, relation: relation, second: second)) }
            }
        }
        var generator = SeededGenerator(seed: seed ^ 0x5A4A_9E5)
        layouts.shuffle(using: &generator)
        let heldOutCount = Int((Double(layouts.count) * heldOutFraction).rounded())
        heldOutLayouts = Array(layouts.prefix(heldOutCount))
        trainLayouts = Array(layouts.dropFirst(heldOutCount))
    }

    /// `count` examples of `split` drawn with `seed`: a layout, one of its two phrasings, positions.
    public func examples(_ count: Int, split: Split, seed: UInt64) -> [Example] {
        let layouts = split == .train ? trainLayouts : heldOutLayouts
        precondition(!layouts.isEmpty, "the \(split.rawValue) split has no layouts")
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let layout = layouts[Int(generator.next() % UInt64(layouts.count))]
            let scene = generator.next() & 1 == 0 ? layout
                : Scene(first: layout.second, relation: layout.relation.converse, second: layout.first)
            return Example(image: render(scene, generator: &generator), scene: scene)
        }
    }

    /// Draws `scene` on a light-grey canvas with random positions that make the relation clear:
    /// the centres are at least one object size apart along the relation's axis and less than half
    /// that apart across it.
    public func render(_ scene: Scene, generator: inout SeededGenerator) -> RGBImage {
        let size = canvasSize
        let half = size / 8  // half the object's extent
        let margin = half + 1
        func uniform(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(generator.next() % UInt64(range.count)) }
        // Position along the relation's axis: the leading object before the trailing one.
        let lead = uniform(margin...(size / 2 - half - 1))
        let trail = uniform(max(lead + 2 * half + 3, size / 2 + half)...(size - margin - 1))
        let gap = trail - lead
        let across1 = uniform(margin...(size - margin - 1))
        let spread = max(0, min(gap / 2 - 1, size))
        let across2 = min(max(across1 + uniform(-spread...spread), margin), size - margin - 1)
        let horizontal = scene.relation == .leftOf || scene.relation == .rightOf
        let firstLeads = scene.relation == .leftOf || scene.relation == .above
        let firstAlong = firstLeads ? lead : trail, secondAlong = firstLeads ? trail : lead
        let firstCenter = horizontal ? (firstAlong, across1) : (across1, firstAlong)
        let secondCenter = horizontal ? (secondAlong, across2) : (across2, secondAlong)
        var image = RGBImage(width: size, height: size, red: 240, green: 240, blue: 240)
        draw(scene.first, at: firstCenter, half: half, on: &image)
        draw(scene.second, at: secondCenter, half: half, on: &image)
        return image
    }

    private func draw(_ object: Object, at center: (Int, Int), half: Int, on image: inout RGBImage) {
        let (red, green, blue) = object.color.rgb
        let radius = Double(half) + 0.5
        for y in (center.1 - half)...(center.1 + half) {
            for x in (center.0 - half)...(center.0 + half) where x >= 0 && y >= 0 && x < image.width && y < image.height {
                let dx = Double(x - center.0), dy = Double(y - center.1)
                let inside: Bool
                switch object.shape {
                case .square: inside = true
                case .circle: inside = dx * dx + dy * dy <= radius * radius
                case .triangle:
                    // Apex at the top centre, base along the bottom row: |dx| ≤ (dy + half)/2.
                    inside = abs(dx) <= (dy + Double(half)) / 2 + 0.25
                }
                if inside { image[x, y] = (red, green, blue) }
            }
        }
    }

    /// Writes `examples` as PNG files plus a `captions.jsonl` manifest into `directory`; returns
    /// the manifest's URL (readable with `CaptionedImageManifest`).
    @discardableResult
    public static func write(_ examples: [Example], to directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var entries: [CaptionedImage] = []
        for (index, example) in examples.enumerated() {
            let url = directory.appendingPathComponent(String(format: "shape-%05d.png", index))
            try writePNG(example.image, to: url)
            entries.append(CaptionedImage(imagePath: url.path, caption: example.caption))
        }
        let manifest = directory.appendingPathComponent("captions.jsonl")
        try CaptionedImageManifest(entries: entries).writeJSONLines(to: manifest)
        return manifest
    }

    /// An 8-bit RGB PNG through libpng's simplified API.
    static func writePNG(_ image: RGBImage, to url: URL) throws {
        var description = png_image()
        description.version = UInt32(PNG_IMAGE_VERSION)
        description.width = UInt32(image.width)
        description.height = UInt32(image.height)
        description.format = UInt32(PNG_FORMAT_RGB)
        let status = image.pixels.withUnsafeBytes { bytes in
            png_image_write_to_file(&description, url.path, 0, bytes.baseAddress, Int32(image.width * 3), nil)
        }
        png_image_free(&description)
        guard status != 0 else { throw DatasetError.unreadable(path: url.path, reason: "libpng could not write the image") }
    }
}
