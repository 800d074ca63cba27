import Foundation
import Imaging

/// A small anti-aliased 2-D painter for bird's-eye scenes: filled rectangles turned by an angle
/// and ellipses, painted in order over a background, each pixel the average of 3 × 3 samples.
struct TopDownCanvas {
    let width: Int
    let height: Int
    /// Linear RGB per pixel, row-major.
    private(set) var colors: [SIMD3<Double>]

    init(width: Int, height: Int, background: SIMD3<Double>) {
        self.width = width
        self.height = height
        colors = [SIMD3<Double>](repeating: background, count: width * height)
    }

    /// Paints the pixels whose sample points `inside` accepts, weighted by coverage.
    mutating func paint(bounds: PixelBox, color: SIMD3<Double>, inside: (Double, Double) -> Bool) {
        let samples = 3
        let x0 = max(0, Int(bounds.left.rounded(.down))), x1 = min(width, Int(bounds.right.rounded(.up)))
        let y0 = max(0, Int(bounds.top.rounded(.down))), y1 = min(height, Int(bounds.bottom.rounded(.up)))
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 {
                var covered = 0
                for sy in 0..<samples {
                    for sx in 0..<samples where inside(Double(x) + (Double(sx) + 0.5) / Double(samples),
                                                       Double(y) + (Double(sy) + 0.5) / Double(samples)) {
                        covered += 1
                    }
                }
                guard covered > 0 else { continue }
                let weight = Double(covered) / Double(samples * samples)
                colors[y * width + x] = colors[y * width + x] * (1 - weight) + color * weight
            }
        }
    }

    /// A rectangle of `length` along its heading and `breadth` across, centred at (x, y), its
    /// heading `angle` radians clockwise from up (image y grows downwards). Returns its box.
    @discardableResult
    mutating func rectangle(x: Double, y: Double, length: Double, breadth: Double, angle: Double, color: SIMD3<Double>) -> PixelBox {
        let (sine, cosine) = (sin(angle), cos(angle))
        // Heading unit vector (up when angle = 0) and the unit vector across it.
        let along = (sine, -cosine), across = (cosine, sine)
        let box = Self.bounds(x: x, y: y, halfAlong: length / 2, halfAcross: breadth / 2, along: along, across: across)
        paint(bounds: box, color: color) { px, py in
            let dx = px - x, dy = py - y
            return abs(dx * along.0 + dy * along.1) <= length / 2 && abs(dx * across.0 + dy * across.1) <= breadth / 2
        }
        return box
    }

    /// An ellipse with semi-axes `length/2` along the heading and `breadth/2` across.
    @discardableResult
    mutating func ellipse(x: Double, y: Double, length: Double, breadth: Double, angle: Double, color: SIMD3<Double>) -> PixelBox {
        let (sine, cosine) = (sin(angle), cos(angle))
        let along = (sine, -cosine), across = (cosine, sine)
        let box = Self.bounds(x: x, y: y, halfAlong: length / 2, halfAcross: breadth / 2, along: along, across: across)
        paint(bounds: box, color: color) { px, py in
            let dx = px - x, dy = py - y
            let a = (dx * along.0 + dy * along.1) / (length / 2), b = (dx * across.0 + dy * across.1) / (breadth / 2)
            return a * a + b * b <= 1
        }
        return box
    }

    static func bounds(x: Double, y: Double, halfAlong: Double, halfAcross: Double, along: (Double, Double),
                       across: (Double, Double)) -> PixelBox {
        let extentX = abs(along.0) * halfAlong + abs(across.0) * halfAcross
        let extentY = abs(along.1) * halfAlong + abs(across.1) * halfAcross
        return PixelBox(left: x - extentX, top: y - extentY, right: x + extentX, bottom: y + extentY)
    }

    /// The canvas as 8-bit sRGB-like values.
    func image() -> RGBImage {
        RGBImage(width: width, height: height) { pixels in
            for (index, color) in colors.enumerated() {
                for channel in 0..<3 {
                    pixels[index * 3 + channel] = UInt8((pow(min(max(color[channel], 0), 1), 1 / 2.2) * 255).rounded())
                }
            }
        }
    }
}
