/// One object of a CLEVR-style scene: shape, colour, size and ground placement.
public struct SceneObject: Codable, Sendable, Hashable {
    /// CLEVR's eight colours (Johnson et al. 2017) with their sRGB values.
    public enum Color: String, Codable, Sendable, CaseIterable {
        case gray, red, blue, green, brown, purple, cyan, yellow

        public var sRGB: (UInt8, UInt8, UInt8) {
            switch self {
            case .gray: (87, 87, 87)
            case .red: (173, 35, 35)
            case .blue: (42, 75, 215)
            case .green: (29, 105, 20)
            case .brown: (129, 74, 25)
            case .purple: (129, 38, 192)
            case .cyan: (41, 208, 208)
            case .yellow: (255, 238, 51)
            }
        }

        /// Linear reflectance for the ray caster.
        public var linear: SIMD3<Double> {
            let (r, g, b) = sRGB
            func decode(_ value: UInt8) -> Double { Double(value) / 255 }
            return SIMD3(decode(r), decode(g), decode(b)) * SIMD3(decode(r), decode(g), decode(b))
        }
    }

    /// CLEVR's two sizes: half-extents in world units.
    public enum Size: String, Codable, Sendable, CaseIterable {
        case small, large
        public var halfExtent: Double { self == .small ? 0.38 : 0.62 }
    }

    /// Shape and colour: what a caption names an object by.
    public struct Style: Codable, Sendable, Hashable {
        public var shape: Solid.Shape
        public var color: Color

        public init(shape: Solid.Shape, color: Color) {
            self.shape = shape
            self.color = color
        }

        /// Every shape–colour combination.
        public static let all = Color.allCases.flatMap { color in Solid.Shape.allCases.map { Style(shape: $0, color: color) } }
    }

    public var style: Style
    public var size: Size
    public var x: Double
    public var z: Double
    public var rotation: Double

    public init(style: Style, size: Size, x: Double, z: Double, rotation: Double) {
        self.style = style
        self.size = size
        self.x = x
        self.z = z
        self.rotation = rotation
    }

    /// The noun a triple names it by ("cube").
    public var noun: String { style.shape.rawValue }

    /// "large red cube" or "red cube".
    public func phrase(includingSize: Bool) -> String {
        (includingSize ? "\(size.rawValue) " : "") + "\(style.color.rawValue) \(style.shape.rawValue)"
    }

    /// The solid the ray caster draws.
    public var solid: Solid {
        Solid(shape: style.shape, x: x, z: z, size: size.halfExtent, rotation: rotation, color: style.color.linear)
    }
}
