import Foundation
import Imaging

/// A solid standing on the ground plane y = 0 of a rendered scene: a cube (turned about the
/// vertical axis), a sphere or an upright cylinder, `size` its half-extent (the sphere's and the
/// cylinder's radius; every solid is `2·size` tall).
public struct Solid: Sendable, Equatable {
    public enum Shape: String, Codable, Sendable, CaseIterable { case cube, sphere, cylinder }

    public var shape: Shape
    /// Ground position (x, z); the camera looks from +z towards −z, +x is to the right.
    public var x: Double
    public var z: Double
    public var size: Double
    /// Turn about the vertical axis in radians (cubes).
    public var rotation: Double
    /// Linear RGB reflectance in [0, 1].
    public var color: SIMD3<Double>

    public init(shape: Shape, x: Double, z: Double, size: Double, rotation: Double = 0, color: SIMD3<Double>) {
        self.shape = shape
        self.x = x
        self.z = z
        self.size = size
        self.rotation = rotation
        self.color = color
    }

    /// Where the ray `origin + t·direction` first meets the solid (t > `minimum`), with the
    /// outward normal there.
    func intersect(origin: SIMD3<Double>, direction: SIMD3<Double>, minimum: Double = 1e-6) -> (distance: Double, normal: SIMD3<Double>)? {
        switch shape {
        case .sphere:
            let center = SIMD3(x, size, z)
            let offset = origin - center
            let b = (offset * direction).sum(), c = (offset * offset).sum() - size * size
            let discriminant = b * b - c
            guard discriminant >= 0 else { return nil }
            let root = discriminant.squareRoot()
            let t = -b - root > minimum ? -b - root : -b + root
            guard t > minimum else { return nil }
            let point = origin + t * direction
            return (t, (point - center) / size)
        case .cube:
            // The ray in the cube's frame: centred, turned by −rotation.
            let (cosine, sine) = (Foundation.cos(rotation), Foundation.sin(rotation))
            func local(_ v: SIMD3<Double>) -> SIMD3<Double> { SIMD3(cosine * v.x + sine * v.z, v.y, -sine * v.x + cosine * v.z) }
            func world(_ v: SIMD3<Double>) -> SIMD3<Double> { SIMD3(cosine * v.x - sine * v.z, v.y, sine * v.x + cosine * v.z) }
            let o = local(origin - SIMD3(x, size, z)), d = local(direction)
            var near = -Double.infinity, far = Double.infinity, nearAxis = 0
            for axis in 0..<3 {
                if abs(d[axis]) < 1e-12 {
                    if abs(o[axis]) > size { return nil }
                    continue
                }
                var t1 = (-size - o[axis]) / d[axis], t2 = (size - o[axis]) / d[axis]
                if t1 > t2 { swap(&t1, &t2) }
                if t1 > near { near = t1; nearAxis = axis }
                far = min(far, t2)
                if near > far { return nil }
            }
            guard near > minimum else { return nil }
            var normal = SIMD3<Double>(0, 0, 0)
            normal[nearAxis] = d[nearAxis] > 0 ? -1 : 1
            return (near, world(normal))
        case .cylinder:
            let height = 2 * size
            var best: (Double, SIMD3<Double>)?
            // The side: (px − x)² + (pz − z)² = r², 0 ≤ py ≤ height.
            let ox = origin.x - x, oz = origin.z - z
            let a = direction.x * direction.x + direction.z * direction.z
            if a > 1e-12 {
                let b = ox * direction.x + oz * direction.z, c = ox * ox + oz * oz - size * size
                let discriminant = b * b - a * c
                if discriminant >= 0 {
                    for t in [(-b - discriminant.squareRoot()) / a, (-b + discriminant.squareRoot()) / a] where t > minimum {
                        let y = origin.y + t * direction.y
                        if y >= 0 && y <= height {
                            let px = ox + t * direction.x, pz = oz + t * direction.z
                            best = (t, SIMD3(px / size, 0, pz / size))
                            break
                        }
                    }
                }
            }
            // The top cap.
            if abs(direction.y) > 1e-12 {
                let t = (height - origin.y) / direction.y
                let px = ox + t * direction.x, pz = oz + t * direction.z
                if t > minimum && px * px + pz * pz <= size * size && t < (best?.0 ?? .infinity) {
                    best = (t, SIMD3(0, 1, 0))
                }
            }
            return best.map { (distance: $0.0, normal: $0.1) }
        }
    }

    /// Points on the solid's surface (for its projected box).
    func surfacePoints() -> [SIMD3<Double>] {
        var points: [SIMD3<Double>] = []
        switch shape {
        case .sphere:
            for i in 0...12 {
                let polar = Double.pi * Double(i) / 12
                for j in 0..<24 {
                    let azimuth = 2 * Double.pi * Double(j) / 24
                    points.append(SIMD3(x + size * Foundation.sin(polar) * Foundation.cos(azimuth), size + size * Foundation.cos(polar),
                                        z + size * Foundation.sin(polar) * Foundation.sin(azimuth)))
                }
            }
        case .cube:
            let (cosine, sine) = (Foundation.cos(rotation), Foundation.sin(rotation))
            for cx in [-size, size] {
                for cy in [0, 2 * size] {
                    for cz in [-size, size] {
                        points.append(SIMD3(x + cosine * cx - sine * cz, cy, z + sine * cx + cosine * cz))
                    }
                }
            }
        case .cylinder:
            for j in 0..<32 {
                let azimuth = 2 * Double.pi * Double(j) / 32
                for y in [0, 2 * size] {
                    points.append(SIMD3(x + size * Foundation.cos(azimuth), y, z + size * Foundation.sin(azimuth)))
                }
            }
        }
        return points
    }
}

/// A pinhole camera at `position` looking at `target` with a vertical field of view in degrees.
public struct SceneCamera: Sendable, Equatable {
    public var position: SIMD3<Double>
    public var target: SIMD3<Double>
    public var verticalFieldOfView: Double

    public init(position: SIMD3<Double>, target: SIMD3<Double>, verticalFieldOfView: Double) {
        self.position = position
        self.target = target
        self.verticalFieldOfView = verticalFieldOfView
    }

    /// The CLEVR-like view: raised behind the scene, looking down at the middle of the ground.
    public static let elevated = SceneCamera(position: SIMD3(0, 6.5, 8.5), target: SIMD3(0, 0, 0), verticalFieldOfView: 42)

    /// Right, up and forward unit vectors.
    var basis: (right: SIMD3<Double>, up: SIMD3<Double>, forward: SIMD3<Double>) {
        let forward = normalized(target - position)
        let right = normalized(cross(forward, SIMD3(0, 1, 0)))
        return (right, cross(right, forward), forward)
    }
}

func normalized(_ v: SIMD3<Double>) -> SIMD3<Double> { v / (v * v).sum().squareRoot() }
func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// A small analytic ray caster for CLEVR-style scenes (Johnson et al. 2017, "CLEVR: A Diagnostic
/// Dataset for Compositional Language and Elementary Visual Reasoning", rendered there with
/// Blender): solids on a ground plane seen through a perspective camera, Lambert shading with a
/// Blinn–Phong highlight under one directional light plus ambient light, and hard shadows from a
/// shadow ray, so nearer objects are lower and larger in the image, occlude farther ones and
/// cast visible shadows. Each pixel averages `samplesPerAxis²` rays. Deterministic: the same
/// solids give the same pixels.
public struct RayCaster: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var camera: SceneCamera
    /// Unit vector towards the light.
    public var lightDirection: SIMD3<Double>
    public var ambient: Double
    public var samplesPerAxis: Int
    public var groundColor: SIMD3<Double>
    public var skyColor: SIMD3<Double>

    public init(width: Int, height: Int, camera: SceneCamera = .elevated, lightDirection: SIMD3<Double> = SIMD3(-0.6, 1.0, 0.45),
                ambient: Double = 0.35, samplesPerAxis: Int = 2, groundColor: SIMD3<Double> = SIMD3(0.55, 0.55, 0.53),
                skyColor: SIMD3<Double> = SIMD3(0.72, 0.75, 0.8)) {
        self.width = width
        self.height = height
        self.camera = camera
        self.lightDirection = normalized(lightDirection)
        self.ambient = ambient
        self.samplesPerAxis = samplesPerAxis
        self.groundColor = groundColor
        self.skyColor = skyColor
    }

    /// The image of `solids`.
    public func render(_ solids: [Solid]) -> RGBImage {
        let (right, up, forward) = camera.basis
        let scale = Foundation.tan(camera.verticalFieldOfView * Double.pi / 360)
        let aspect = Double(width) / Double(height)
        let samples = max(samplesPerAxis, 1)
        return RGBImage(width: width, height: height) { pixels in
            for row in 0..<height {
                for column in 0..<width {
                    var sum = SIMD3<Double>(0, 0, 0)
                    for sy in 0..<samples {
                        for sx in 0..<samples {
                            let u = (2 * ((Double(column) + (Double(sx) + 0.5) / Double(samples)) / Double(width)) - 1) * scale * aspect
                            let v = (1 - 2 * ((Double(row) + (Double(sy) + 0.5) / Double(samples)) / Double(height))) * scale
                            sum += shade(origin: camera.position, direction: normalized(forward + u * right + v * up), solids: solids)
                        }
                    }
                    let color = sum / Double(samples * samples)
                    let base = (row * width + column) * 3
                    for channel in 0..<3 {
                        // Linear to sRGB-like display values.
                        let encoded = Foundation.pow(min(max(color[channel], 0), 1), 1 / 2.2)
                        pixels[base + channel] = UInt8((encoded * 255).rounded())
                    }
                }
            }
        }
    }

    /// The colour one ray sees.
    func shade(origin: SIMD3<Double>, direction: SIMD3<Double>, solids: [Solid]) -> SIMD3<Double> {
        var nearest: (distance: Double, normal: SIMD3<Double>, color: SIMD3<Double>, shininess: Double)?
        for solid in solids {
            if let hit = solid.intersect(origin: origin, direction: direction), hit.distance < (nearest?.distance ?? .infinity) {
                nearest = (hit.distance, hit.normal, solid.color, 0.35)
            }
        }
        if direction.y < -1e-9 {
            let t = -origin.y / direction.y
            if t > 0 && t < (nearest?.distance ?? .infinity) {
                // A faint checker-free ground with distance falloff so depth reads.
                nearest = (t, SIMD3(0, 1, 0), groundColor * (1 - min(t / 60, 0.25)), 0.05)
            }
        }
        guard let hit = nearest else { return skyColor }
        let point = origin + hit.distance * direction + hit.normal * 1e-6
        let lit = !solids.contains { $0.intersect(origin: point, direction: lightDirection, minimum: 1e-5) != nil }
        let diffuse = max((hit.normal * lightDirection).sum(), 0)
        let halfway = normalized(lightDirection - direction)
        let specular = Foundation.pow(max((hit.normal * halfway).sum(), 0), 32) * hit.shininess
        return hit.color * (ambient + (lit ? 0.75 * diffuse : 0)) + (lit ? SIMD3(repeating: specular) : .zero)
    }

    /// The pixel column and row of a world point, or nil behind the camera.
    public func project(_ point: SIMD3<Double>) -> (x: Double, y: Double)? {
        let (right, up, forward) = camera.basis
        let offset = point - camera.position
        let depth = (offset * forward).sum()
        guard depth > 1e-9 else { return nil }
        let scale = Foundation.tan(camera.verticalFieldOfView * Double.pi / 360)
        let aspect = Double(width) / Double(height)
        let u = (offset * right).sum() / depth / (scale * aspect), v = (offset * up).sum() / depth / scale
        return ((u + 1) / 2 * Double(width), (1 - v) / 2 * Double(height))
    }

    /// The solid's full projected extent in pixels (occluded parts included, as COCO-style boxes
    /// of whole objects), clipped to the image; nil when it lies outside.
    public func boundingBox(of solid: Solid) -> PixelBox? {
        let points = solid.surfacePoints().compactMap(project)
        guard let first = points.first else { return nil }
        var (left, top, right, bottom) = (first.x, first.y, first.x, first.y)
        for point in points.dropFirst() {
            left = min(left, point.x); right = max(right, point.x)
            top = min(top, point.y); bottom = max(bottom, point.y)
        }
        let box = PixelBox(left: max(left, 0), top: max(top, 0), right: min(right, Double(width)), bottom: min(bottom, Double(height)))
        return box.right > box.left && box.bottom > box.top ? box : nil
    }
}
