import Foundation
import Imaging
import Testing

/// Resizing, cropping and the aspect rule against Pillow 13 / torchvision 0.29 outputs on
/// scikit-image's photos (`scripts/fixtures/imaging.py`). The acceptance bound is 1/255 per
/// sample; the implementation aims at, and these tests report, bit-exact agreement.
@Suite("Resize parity with Pillow")
struct ResizeParityTests {
    static let manifest = ImagingManifest.shared

    @Test("pipeline output matches Pillow within 1/255", arguments: ImagingManifest.shared.pipelines)
    func pipelineMatchesPillow(_ pipeline: ImagingManifest.Pipeline) throws {
        var image = try ImageDecoder().decode(contentsOf: Self.manifest.photo(pipeline.source))
        for step in pipeline.steps {
            image = try apply(step, to: image)
        }
        let expected = try ImageDecoder().decode(contentsOf: ImagingManifest.fixture(pipeline.expected))
        try #require(image.width == expected.width && image.height == expected.height,
                     "\(pipeline.expected): size \(image.width)x\(image.height), Pillow \(expected.width)x\(expected.height)")
        let comparison = PixelComparison(image, expected)
        print("parity \(pipeline.expected): \(comparison)")
        #expect(comparison.maximum <= 1, "\(pipeline.expected): \(comparison)")
    }

    @Test("all pipelines together: ≥ 20 photos through the CLIP 224 bicubic pipeline, bit-exact")
    func summary() throws {
        var photos = Set<String>()
        var total = 0, offByOne = 0, differing = 0, maximum = 0
        var decoded: [String: RGBImage] = [:]
        for pipeline in Self.manifest.pipelines {
            var image: RGBImage
            if let cached = decoded[pipeline.source] {
                image = cached
            } else {
                image = try ImageDecoder().decode(contentsOf: Self.manifest.photo(pipeline.source))
                decoded[pipeline.source] = image
            }
            for step in pipeline.steps { image = try apply(step, to: image) }
            let expected = try ImageDecoder().decode(contentsOf: ImagingManifest.fixture(pipeline.expected))
            let comparison = PixelComparison(image, expected)
            total += comparison.count
            offByOne += comparison.offByOne
            differing += comparison.differing
            maximum = max(maximum, comparison.maximum)
            if pipeline.group == "clip224_bicubic" { photos.insert(pipeline.source) }
        }
        print("parity summary: \(Self.manifest.pipelines.count) cases, \(total) samples, max |Δ| \(maximum), "
              + "\(offByOne) off by 1, \(differing) differing (Pillow \(Self.manifest.pillow), "
              + "torchvision \(Self.manifest.torchvision))")
        #expect(photos.count >= 20)
        #expect(maximum <= 1)
        #expect(differing == 0, "not bit-exact: \(differing) samples differ")
    }
}
