import Imaging
import Testing

@Suite("Orientation and transposition")
struct OrientationTests {
    /// A 3 x 2 image whose red sample is 10 * x + y.
    static let image = RGBImage(width: 3, height: 2) { buffer in
        for y in 0..<2 {
            for x in 0..<3 {
                buffer[(y * 3 + x) * 3] = UInt8(10 * x + y)
                buffer[(y * 3 + x) * 3 + 1] = 0
                buffer[(y * 3 + x) * 3 + 2] = 0
            }
        }
    }

    static func reds(_ image: RGBImage) -> [[UInt8]] {
        (0..<image.height).map { y in (0..<image.width).map { x in image[x, y].red } }
    }

    @Test("each transpose moves pixels as Pillow's Image.transpose")
    func transposes() {
        // Input rows: [0, 10, 20], [1, 11, 21].
        #expect(Self.reds(Self.image.transposed(.flipLeftRight)) == [[20, 10, 0], [21, 11, 1]])
        #expect(Self.reds(Self.image.transposed(.flipTopBottom)) == [[1, 11, 21], [0, 10, 20]])
        #expect(Self.reds(Self.image.transposed(.rotate180)) == [[21, 11, 1], [20, 10, 0]])
        // Counter-clockwise quarter turn: the right column becomes the top row.
        #expect(Self.reds(Self.image.transposed(.rotate90)) == [[20, 21], [10, 11], [0, 1]])
        #expect(Self.reds(Self.image.transposed(.rotate270)) == [[1, 0], [11, 10], [21, 20]])
        #expect(Self.reds(Self.image.transposed(.transpose)) == [[0, 1], [10, 11], [20, 21]])
        #expect(Self.reds(Self.image.transposed(.transverse)) == [[21, 20], [11, 10], [1, 0]])
    }

    @Test("transposes compose as the dihedral group")
    func composition() {
        let image = Self.image
        #expect(image.transposed(.rotate90).transposed(.rotate270) == image)
        #expect(image.transposed(.rotate90).transposed(.rotate90) == image.transposed(.rotate180))
        #expect(image.transposed(.transpose).transposed(.transpose) == image)
        #expect(image.transposed(.transverse) == image.transposed(.transpose).transposed(.rotate180))
        #expect(image.transposed(.flipLeftRight).transposed(.flipTopBottom) == image.transposed(.rotate180))
    }

    @Test("EXIF orientations map to Pillow's exif_transpose methods")
    func orientationMapping() {
        #expect(ExifOrientation.topLeft.transpose == nil)
        #expect(ExifOrientation.allCases.map(\.rawValue) == Array(1...8))
        #expect(ExifOrientation.allCases.compactMap(\.transpose)
                == [.flipLeftRight, .rotate180, .flipTopBottom, .transpose, .rotate270, .transverse, .rotate90])
        #expect(Self.image.oriented(.topLeft) == Self.image)
        #expect(Self.image.oriented(.rightTop) == Self.image.transposed(.rotate270))
    }
}
