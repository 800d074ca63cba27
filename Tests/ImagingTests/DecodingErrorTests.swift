import Foundation
import Imaging
import Testing

/// Bad inputs fail with an `ImageError` that names the file and says what is wrong.
@Suite("Decoding errors")
struct DecodingErrorTests {
    static func temporaryFile(_ bytes: [UInt8], name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-\(UUID())-\(name)")
        try Data(bytes).write(to: url)
        return url
    }

    static func fixtureBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: ImagingManifest.fixture(name)))
    }

    /// The error `body` throws, which must be an `ImageError`.
    static func imageError(_ body: () throws -> RGBImage) -> ImageError? {
        do {
            _ = try body()
            return nil
        } catch let error as ImageError {
            return error
        } catch {
            Issue.record("expected an ImageError, got \(error)")
            return nil
        }
    }

    @Test("missing file names the path")
    func missingFile() throws {
        let error = Self.imageError { try ImageDecoder().decode(contentsOfFile: "/nonexistent/cat.jpg") }
        #expect(error == .unreadableFile(path: "/nonexistent/cat.jpg", reason: "no such file"))
        #expect(error?.description == "/nonexistent/cat.jpg: cannot read the file: no such file")
    }

    @Test("directory is not an image")
    func directory() throws {
        let path = FileManager.default.temporaryDirectory.path
        let error = Self.imageError { try ImageDecoder().decode(contentsOfFile: path) }
        #expect(error?.description.contains("it is a directory") == true)
    }

    @Test("empty file")
    func emptyFile() throws {
        let url = try Self.temporaryFile([], name: "empty.png")
        defer { try? FileManager.default.removeItem(at: url) }
        let error = Self.imageError { try ImageDecoder().decode(contentsOf: url) }
        #expect(error == .emptyFile(path: url.path))
        #expect(error?.description == "\(url.path): the file is empty (0 bytes), so it holds no image")
    }

    @Test("unknown bytes")
    func unknownSignature() throws {
        let url = try Self.temporaryFile(Array("hello, not an image".utf8), name: "text.jpg")
        defer { try? FileManager.default.removeItem(at: url) }
        let error = Self.imageError { try ImageDecoder().decode(contentsOf: url) }
        // The file's contents are never shown (issue 13: a dataset path at /etc/passwd printed root:x:0).
        #expect(error?.description == "\(url.path): unsupported image format: the data (19 bytes) "
                + "starts with no known image signature; JPEG, PNG and WebP are supported")
    }

    @Test("GIF, TIFF and BMP are recognised and refused", arguments: ["tiny.gif", "tiny.tif", "tiny.bmp"])
    func unsupportedFormats(_ name: String) throws {
        let url = ImagingManifest.fixture("decode/\(name)")
        let error = Self.imageError { try ImageDecoder().decode(contentsOf: url) }
        let formatName = ["tiny.gif": "GIF", "tiny.tif": "TIFF", "tiny.bmp": "BMP"][name]!
        #expect(error == .unsupportedFormat(path: url.path, detail: "\(formatName) files are not decoded"))
        #expect(error?.description.contains(url.path) == true)
    }

    @Test("truncated PNG", arguments: [20, 100, 400])
    func truncatedPNG(_ length: Int) throws {
        let bytes = try Self.fixtureBytes("decode/rgb8.png")
        let error = Self.imageError { try ImageDecoder().decode(Array(bytes.prefix(length)), source: "cut.png") }
        guard case let .truncated(path, format, _)? = error else {
            Issue.record("expected a truncation error, got \(String(describing: error))")
            return
        }
        #expect(path == "cut.png" && format == .png)
        #expect(error!.description.hasPrefix("cut.png: the PNG data is truncated"))
    }

    @Test("truncated JPEG")
    func truncatedJPEG() throws {
        let bytes = try Self.fixtureBytes("decode/ycbcr444.jpg")
        let error = Self.imageError { try ImageDecoder().decode(Array(bytes.prefix(bytes.count * 2 / 3)), source: "cut.jpg") }
        guard case let .truncated(path, format, detail)? = error else {
            Issue.record("expected a truncation error, got \(String(describing: error))")
            return
        }
        #expect(path == "cut.jpg" && format == .jpeg)
        #expect(detail.contains("Premature end of JPEG file"))
    }

    @Test("truncated WebP")
    func truncatedWebP() throws {
        let bytes = try Self.fixtureBytes("decode/lossless.webp")
        let error = Self.imageError { try ImageDecoder().decode(Array(bytes.prefix(bytes.count / 2)), source: "cut.webp") }
        #expect(error?.description.hasPrefix("cut.webp: the WebP data is") == true, "\(String(describing: error))")
    }

    @Test("corrupt PNG chunk is reported as corrupt")
    func corruptPNG() throws {
        var bytes = try Self.fixtureBytes("decode/rgb8.png")
        // Damage the IHDR CRC.
        bytes[29] ^= 0xFF
        let error = Self.imageError { try ImageDecoder().decode(bytes, source: "bad.png") }
        guard case let .corrupt(path, format, detail)? = error else {
            Issue.record("expected a corrupt-data error, got \(String(describing: error))")
            return
        }
        #expect(path == "bad.png" && format == .png)
        #expect(detail.contains("CRC"), "\(detail)")
    }

    @Test("pixel limit is enforced from the header, for every format",
          arguments: ["decode/rgb8.png", "decode/ycbcr420.jpg", "decode/lossless.webp"])
    func pixelLimit(_ name: String) throws {
        let bytes = try Self.fixtureBytes(name)
        let decoder = ImageDecoder(maximumPixelCount: 40 * 24 - 1)
        let error = Self.imageError { try decoder.decode(bytes, source: name) }
        #expect(error == .tooManyPixels(path: name, width: 40, height: 24, limit: 959))
        #expect(error?.description == "\(name): image size 40x24 (960 pixels) exceeds the limit of 959 pixels; "
                + "this could be a decompression bomb (raise maximumPixelCount to allow it)")
        #expect(try ImageDecoder(maximumPixelCount: 960).decode(bytes).pixelCount == 960)
    }

    @Test("decompression bombs are refused before allocation")
    func bombHeaders() throws {
        #expect(ImageDecoder.defaultMaximumPixelCount == 89_478_485)
        // A PNG header declaring 100000 x 100000 pixels (10^10), with no data behind it.
        var png = try Self.fixtureBytes("decode/rgb8.png")
        png.replaceSubrange(16..<24, with: [0x00, 0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0])
        #expect(Self.imageError { try ImageDecoder().decode(png, source: "bomb.png") }
                == .tooManyPixels(path: "bomb.png", width: 100_000, height: 100_000, limit: 89_478_485))
        // A JPEG whose SOF declares 60000 x 60000 pixels.
        var jpeg = try Self.fixtureBytes("decode/ycbcr420.jpg")
        let sof = try #require((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xEA, 0x60, 0xEA, 0x60])
        #expect(Self.imageError { try ImageDecoder().decode(jpeg, source: "bomb.jpg") }
                == .tooManyPixels(path: "bomb.jpg", width: 60_000, height: 60_000, limit: 89_478_485))
    }
}
