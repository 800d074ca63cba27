import Foundation
import Imaging
import TestSupport
import Testing

/// `Tests/Fixtures/imaging/manifest.json`, written by `scripts/fixtures/imaging.py` from Pillow and
/// torchvision (versions recorded in the file).
struct ImagingManifest: Decodable {
    struct Photo: Decodable {
        let source: String
        let mode: String
        let width: Int
        let height: Int
        let rgbCRC32: UInt32
        enum CodingKeys: String, CodingKey {
            case source, mode, width, height
            case rgbCRC32 = "rgb_crc32"
        }
    }

    struct Step: Decodable {
        let op: String
        let size: Int?
        let width: Int?
        let height: Int?
        let left: Int?
        let top: Int?
        let filter: String?
        let box: [Double]?
    }

    struct Pipeline: Decodable, CustomTestStringConvertible {
        let group: String
        let source: String
        let steps: [Step]
        let expected: String
        let width: Int
        let height: Int
        var testDescription: String { "\(group) \(source) → \(width)x\(height)" }
    }

    struct Sample: Decodable {
        let channel: Int
        let y: Int
        let x: Int
        let value: Float
    }

    struct Normalized: Decodable {
        let source: String
        let shape: [Int]
        let channelSums: [Double]
        let samples: [Sample]
        enum CodingKeys: String, CodingKey {
            case source, shape, samples
            case channelSums = "channel_sums"
        }
    }

    struct Decoding: Decodable, CustomTestStringConvertible {
        let input: String
        let expected: String
        let note: String
        var testDescription: String { "\(input): \(note)" }
    }

    struct JPEGPhoto: Decodable {
        let source: String
        let width: Int
        let height: Int
        let crc32: UInt32
        let patch: String
        let patchLeft: Int
        let patchTop: Int
        enum CodingKeys: String, CodingKey {
            case source, width, height, crc32, patch
            case patchLeft = "patch_left"
            case patchTop = "patch_top"
        }
    }

    let pillow: String
    let torchvision: String
    let photoDirectory: String
    let photos: [Photo]
    let pipelines: [Pipeline]
    let normalized: Normalized
    let decoding: [Decoding]
    let jpegPhotos: [JPEGPhoto]

    enum CodingKeys: String, CodingKey {
        case pillow, torchvision, photos, pipelines, normalized, decoding
        case photoDirectory = "photo_directory"
        case jpegPhotos = "jpeg_photos"
    }

    static let shared: ImagingManifest = {
        let url = TestPaths.fixture("imaging", "manifest.json")
        do {
            return try JSONDecoder().decode(ImagingManifest.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path) (run scripts/make_fixtures.py imaging): \(error)")
        }
    }()

    /// A committed fixture file.
    static func fixture(_ relativePath: String) -> URL { TestPaths.fixture("imaging", relativePath) }

    /// A scikit-image photo installed by `scripts/setup.sh`.
    func photo(_ name: String) throws -> URL {
        try TestPaths.installedPackageFile("\(photoDirectory)/\(name)")
    }
}

/// Per-pixel agreement of two same-sized images.
struct PixelComparison: CustomStringConvertible {
    /// Largest |a - b| over all samples.
    var maximum = 0
    /// Samples that differ by exactly one.
    var offByOne = 0
    /// Samples that differ at all.
    var differing = 0
    /// Samples compared.
    var count = 0

    init(_ actual: RGBImage, _ expected: RGBImage) {
        precondition(actual.width == expected.width && actual.height == expected.height,
                     "comparing \(actual) with \(expected)")
        count = actual.pixels.count
        for index in 0..<count {
            let difference = abs(Int(actual.pixels[index]) - Int(expected.pixels[index]))
            if difference > 0 { differing += 1 }
            if difference == 1 { offByOne += 1 }
            maximum = max(maximum, difference)
        }
    }

    var description: String { "max |Δ| \(maximum), \(offByOne) samples off by 1, \(differing) of \(count) differ" }
}

/// Applies one manifest step with CLIPKit's implementation.
func apply(_ step: ImagingManifest.Step, to image: RGBImage) throws -> RGBImage {
    func filter() throws -> ResamplingFilter {
        guard let name = step.filter, let filter = ResamplingFilter(rawValue: name) else {
            throw FixtureError("step \(step.op) has an unknown filter \(step.filter ?? "nil")")
        }
        return filter
    }
    switch step.op {
    case "resize_shortest":
        return try image.resizedShortestSide(to: step.size!, filter: try filter())
    case "center_crop":
        return try image.centerCropped(width: step.width!, height: step.height!)
    case "resize":
        let region = step.box.map { ResizeRegion(left: $0[0], top: $0[1], right: $0[2], bottom: $0[3]) }
        return try image.resized(width: step.width!, height: step.height!, filter: try filter(), region: region)
    case "crop":
        return try image.cropped(left: step.left!, top: step.top!, width: step.width!, height: step.height!)
    case "aspect_rule":
        return try image.aspectLimitedSquashed(to: step.size!, filter: try filter())
    default:
        throw FixtureError("unknown step \(step.op)")
    }
}
