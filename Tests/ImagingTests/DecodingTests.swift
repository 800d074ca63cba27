import Checkpoint
import Foundation
import Imaging
import Testing

/// Decoding against the RGB Pillow 13 returns for `ImageOps.exif_transpose(Image.open(f))
/// .convert("RGB")` on small generated files of every layout (`scripts/fixtures/imaging.py`).
@Suite("Decoding")
struct DecodingTests {
    @Test("decoded RGB equals Pillow's", arguments: ImagingManifest.shared.decoding)
    func decodeMatchesPillow(_ testCase: ImagingManifest.Decoding) throws {
        let image = try ImageDecoder().decode(contentsOf: ImagingManifest.fixture(testCase.input))
        let expected = try ImageDecoder().decode(contentsOf: ImagingManifest.fixture(testCase.expected))
        try #require(image.width == expected.width && image.height == expected.height,
                     "\(testCase.input): \(image.width)x\(image.height), Pillow \(expected.width)x\(expected.height)")
        let comparison = PixelComparison(image, expected)
        print("decode \(testCase.input): \(comparison)")
        // Lossless layouts and libjpeg-turbo's accurate IDCT agree exactly; lossy WebP may differ
        // between libwebp versions (Pillow bundles its own), by a few levels at most.
        let tolerance = testCase.input.hasSuffix("lossy.webp") ? 3 : 0
        #expect(comparison.maximum <= tolerance, "\(testCase.input) (\(testCase.note)): \(comparison)")
    }

    @Test("every sample photo decodes to exactly Pillow's convert(\"RGB\") bytes")
    func photosMatchPillow() throws {
        let manifest = ImagingManifest.shared
        var exact = 0
        for photo in manifest.photos {
            let image = try ImageDecoder().decode(contentsOf: manifest.photo(photo.source))
            #expect(image.width == photo.width && image.height == photo.height, "\(photo.source)")
            let matches = image.pixels.withUnsafeBytes(Inflater.crc32(of:)) == photo.rgbCRC32
            if matches { exact += 1 }
            #expect(matches, "\(photo.source) (\(photo.mode)): decoded bytes differ from Pillow's (CRC-32)")
        }
        print("decode photos: \(exact) of \(manifest.photos.count) byte-identical to Pillow")
    }

    @Test("JPEG photos: TurboJPEG decode equals Pillow's libjpeg-turbo decode")
    func jpegPhotosMatchPillow() throws {
        let manifest = ImagingManifest.shared
        #expect(manifest.jpegPhotos.count == 3)
        for photo in manifest.jpegPhotos {
            let image = try ImageDecoder().decode(contentsOf: manifest.photo(photo.source))
            let patch = try ImageDecoder().decode(contentsOf: ImagingManifest.fixture(photo.patch))
            let ours = try image.cropped(left: photo.patchLeft, top: photo.patchTop, width: patch.width, height: patch.height)
            let comparison = PixelComparison(ours, patch)
            let identical = image.pixels.withUnsafeBytes(Inflater.crc32(of:)) == photo.crc32
            print("decode JPEG \(photo.source): whole image identical \(identical); centre patch \(comparison)")
            #expect(identical, "\(photo.source): decode differs from Pillow's; centre patch \(comparison)")
            #expect(comparison.maximum <= 1, "\(photo.source) centre patch: \(comparison)")
        }
    }

    @Test("format comes from magic bytes, not the file name")
    func formatFromSignature() throws {
        let png = try Data(contentsOf: ImagingManifest.fixture("decode/rgb8.png"))
        let jpeg = try Data(contentsOf: ImagingManifest.fixture("decode/ycbcr444.jpg"))
        let webp = try Data(contentsOf: ImagingManifest.fixture("decode/lossless.webp"))
        #expect(ImageFormat.detect(png) == .png)
        #expect(ImageFormat.detect(jpeg) == .jpeg)
        #expect(ImageFormat.detect(webp) == .webp)
        #expect(ImageFormat.detect(try Data(contentsOf: ImagingManifest.fixture("decode/tiny.gif"))) == .gif)
        #expect(ImageFormat.detect(try Data(contentsOf: ImagingManifest.fixture("decode/tiny.tif"))) == .tiff)
        #expect(ImageFormat.detect(try Data(contentsOf: ImagingManifest.fixture("decode/tiny.bmp"))) == .bmp)
        #expect(ImageFormat.detect([UInt8]()) == nil)

        // A PNG saved under a .jpg name still decodes as PNG.
        let misnamed = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-misnamed-\(UUID()).jpg")
        try png.write(to: misnamed)
        defer { try? FileManager.default.removeItem(at: misnamed) }
        let decoded = try ImageDecoder().decode(contentsOf: misnamed)
        #expect(decoded == (try ImageDecoder().decode(png)))
    }

    @Test("orientation can be left unapplied")
    func orientationOptional() throws {
        let url = ImagingManifest.fixture("decode/orientation6.jpg")
        let raw = try ImageDecoder(appliesOrientation: false).decode(contentsOf: url)
        let upright = try ImageDecoder().decode(contentsOf: url)
        #expect(raw.width == 40 && raw.height == 24)
        #expect(upright == raw.transposed(.rotate270))
    }
}
