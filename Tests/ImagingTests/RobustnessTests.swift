import Foundation
import Imaging
import TestSupport
import Testing

/// Damaged files never crash the decoder: every truncation and byte flip either throws an
/// `ImageError` or returns a well-formed image.
@Suite("Decoding robustness")
struct RobustnessTests {
    @Test("random truncations and byte flips throw or decode, never crash",
          arguments: ["decode/ycbcr420.jpg", "decode/progressive.jpg", "decode/cmyk.jpg", "decode/rgb8.png",
                      "decode/interlaced.png", "decode/palette_trns.png", "decode/rgb16.png",
                      "decode/lossless.webp", "decode/lossy.webp"])
    func mutations(_ name: String) throws {
        let original = [UInt8](try Data(contentsOf: ImagingManifest.fixture(name)))
        var generator = SplitMix64(seed: name.utf8.reduce(UInt64(17)) { $0 &* 31 &+ UInt64($1) })
        var thrown = 0, decoded = 0
        let decoder = ImageDecoder(maximumPixelCount: 1 << 20)
        for trial in 0..<400 {
            var bytes = original
            switch trial % 4 {
            case 0:
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            case 1:
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
                }
            case 2:
                // Damage after the signature, where the decoders' parsers run.
                let index = Int.random(in: min(8, bytes.count - 1)..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
                bytes = Array(bytes.prefix(Int.random(in: index..<bytes.count, using: &generator) + 1))
            default:
                let start = Int.random(in: 0..<bytes.count, using: &generator)
                let length = Int.random(in: 0...min(64, bytes.count - start), using: &generator)
                bytes.replaceSubrange(start..<(start + length), with: (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            }
            do {
                let image = try decoder.decode(bytes, source: "\(name)#\(trial)")
                #expect(image.pixels.count == image.width * image.height * 3)
                decoded += 1
            } catch let error as ImageError {
                #expect(error.description.hasPrefix("\(name)#\(trial): "))
                thrown += 1
            }
        }
        print("robustness \(name): 400 damaged copies, \(thrown) threw ImageError, \(decoded) decoded")
        #expect(thrown + decoded == 400)
    }
}

extension RobustnessTests {
    @Test("damaged real photos (a JPEG and a PNG from scikit-image) throw or decode, never crash",
          arguments: ["rocket.jpg", "chelsea.png"])
    func damagedPhotos(_ name: String) throws {
        let original = [UInt8](try Data(contentsOf: ImagingManifest.shared.photo(name)))
        var generator = SplitMix64(seed: 2026)
        var thrown = 0
        for trial in 0..<120 {
            var bytes = original
            if trial % 2 == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            } else {
                for _ in 0..<Int.random(in: 1...16, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            do {
                let image = try ImageDecoder().decode(bytes, source: name)
                #expect(image.pixels.count == image.width * image.height * 3)
            } catch let error as ImageError {
                #expect(error.description.hasPrefix("\(name): "))
                thrown += 1
            }
        }
        print("robustness \(name): 120 damaged copies, \(thrown) threw ImageError, \(120 - thrown) decoded")
    }
}
