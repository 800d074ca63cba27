import Foundation

/// The resampling kernels of Pillow's `Image.Resampling`, with Pillow's supports and formulas
/// (`Resample.c`). When downscaling by a factor s > 1 each kernel is stretched by s (its support
/// becomes s times wider and its argument is divided by s), which is what makes the resize
/// antialiased.
///
/// - `nearest`: the source pixel whose area contains the output pixel's centre (no kernel).
/// - `box`: 1 on (-0.5, 0.5], support 0.5.
/// - `bilinear`: the triangle 1 - |x| on |x| < 1, support 1.
/// - `hamming`: sinc(x) * (0.54 + 0.46 cos(pi x)) on |x| < 1, support 1.
/// - `bicubic`: Keys' cubic convolution kernel with a = -0.5 (Keys, "Cubic convolution
///   interpolation for digital image processing", IEEE TASSP 1981), support 2.
/// - `lanczos`: sinc(x) sinc(x / 3) on |x| < 3, support 3.
public enum ResamplingFilter: String, Codable, Sendable, CaseIterable {
    case nearest
    case box
    case bilinear
    case hamming
    case bicubic
    case lanczos

    /// Half-width of the kernel at scale 1, in input pixels.
    public var support: Double {
        switch self {
        case .nearest, .box: return 0.5
        case .bilinear, .hamming: return 1
        case .bicubic: return 2
        case .lanczos: return 3
        }
    }

    /// The kernel's value at `x` (input pixels from the sample centre, at scale 1).
    /// The expressions keep Pillow's operation order so the Float64 results are identical.
    public func weight(_ x: Double) -> Double {
        switch self {
        case .nearest, .box:
            return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bilinear:
            let distance = abs(x)
            return distance < 1 ? 1 - distance : 0
        case .hamming:
            let distance = abs(x)
            if distance == 0 { return 1 }
            if distance >= 1 { return 0 }
            let angle = distance * Double.pi
            // Pillow writes the window constants as C floats (0.54f, 0.46f).
            return sin(angle) / angle * (Double(Float(0.54)) + Double(Float(0.46)) * cos(angle))
        case .bicubic:
            let a = -0.5
            let distance = abs(x)
            if distance < 1 { return ((a + 2) * distance - (a + 3)) * distance * distance + 1 }
            if distance < 2 { return (((distance - 5) * distance + 8) * distance - 4) * a }
            return 0
        case .lanczos:
            guard x >= -3 && x < 3 else { return 0 }
            return Self.sinc(x) * Self.sinc(x / 3)
        }
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let angle = x * Double.pi
        return sin(angle) / angle
    }
}
