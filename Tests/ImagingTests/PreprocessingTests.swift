import Foundation
import Imaging
import Tensor
import Testing

@Suite("Preprocessing")
struct PreprocessingTests {
    @Test("torchvision Resize(int) sizes: short side exact, long side int(size * long / short)")
    func shortestSideSizes() {
        #expect(RGBImage.shortestSideSize(width: 451, height: 300, shortestSide: 224) == (336, 224))
        #expect(RGBImage.shortestSideSize(width: 300, height: 451, shortestSide: 224) == (224, 336))
        #expect(RGBImage.shortestSideSize(width: 512, height: 512, shortestSide: 224) == (224, 224))
        // 224 * 1000 / 872 = 256.88... → 256 (truncated, not rounded).
        #expect(RGBImage.shortestSideSize(width: 1000, height: 872, shortestSide: 224) == (256, 224))
        #expect(RGBImage.shortestSideSize(width: 384, height: 191, shortestSide: 224) == (450, 224))
        #expect(RGBImage.shortestSideSize(width: 1, height: 1000, shortestSide: 224) == (224, 224_000))
    }

    @Test("CenterCrop offsets round half to even like Python's round")
    func centerCropOffsets() throws {
        let image = RGBImage(width: 7, height: 6) { buffer in
            for index in 0..<buffer.count { buffer[index] = UInt8(index / 3) }
        }
        // (7 - 4) / 2 = 1.5 → 2; (6 - 3) / 2 = 1.5 → 2.
        #expect(try image.centerCropped(width: 4, height: 3) == image.cropped(left: 2, top: 2, width: 4, height: 3))
        // (7 - 6) / 2 = 0.5 → 0; (6 - 1) / 2 = 2.5 → 2.
        #expect(try image.centerCropped(width: 6, height: 1) == image.cropped(left: 0, top: 2, width: 6, height: 1))
        // Larger than the image: black padding of (crop - size) // 2 in front.
        let padded = try image.centerCropped(width: 10, height: 6)
        #expect(try padded == image.cropped(left: -1, top: 0, width: 10, height: 6))
        #expect(padded[0, 0] == (0, 0, 0) && padded[1, 0] == image[0, 0] && padded[9, 5] == (0, 0, 0))
    }

    @Test("the aspect rule keeps ≤ 2:1 whole and cuts longer sides to exactly 2:1")
    func aspectRuleBoxes() throws {
        #expect(RGBImage.aspectLimitedCropBox(width: 400, height: 200) == (0, 0, 400, 200))
        #expect(RGBImage.aspectLimitedCropBox(width: 200, height: 400) == (0, 0, 200, 400))
        #expect(RGBImage.aspectLimitedCropBox(width: 448, height: 172) == (52, 0, 344, 172))
        // (512 - 300) / 2 = 106 exactly.
        #expect(RGBImage.aspectLimitedCropBox(width: 150, height: 512) == (0, 106, 150, 300))
        // (401 - 200) / 2 = 100.5 → 100 (half to even).
        #expect(RGBImage.aspectLimitedCropBox(width: 401, height: 100) == (100, 0, 200, 100))
        // (403 - 200) / 2 = 101.5 → 102.
        #expect(RGBImage.aspectLimitedCropBox(width: 403, height: 100) == (102, 0, 200, 100))
        let wide = RGBImage(width: 90, height: 20, red: 9)
        #expect(try wide.aspectLimitedSquashed(to: 16).width == 16 && wide.aspectLimitedSquashed(to: 16).height == 16)
    }

    @Test("normalised tensor equals torchvision's ToTensor + Normalize on chelsea.png")
    func normalizedMatchesTorchvision() throws {
        let manifest = ImagingManifest.shared
        let reference = manifest.normalized
        let image = try ImageDecoder().decode(contentsOf: manifest.photo(reference.source))
        let tensor = try Preprocessing.openAICLIP(image)
        #expect(tensor.shape == reference.shape)
        for sample in reference.samples {
            let value = tensor[indices: sample.channel, sample.y, sample.x]
            #expect(value == sample.value, "[\(sample.channel), \(sample.y), \(sample.x)]: \(value) vs \(sample.value)")
        }
        let scalars = tensor.scalars
        let plane = 224 * 224
        for channel in 0..<3 {
            let sum = scalars[(channel * plane)..<((channel + 1) * plane)].reduce(0.0) { $0 + Double($1) }
            #expect(abs(sum - reference.channelSums[channel]) < 1e-6 * Double(plane), "channel \(channel) sum \(sum)")
        }
    }

    @Test("tensor layout is channels-first (x / 255 - mean) / std")
    func tensorLayout() {
        var image = RGBImage(width: 3, height: 2)
        image[2, 1] = (255, 0, 51)
        let mean: [Float] = [0.5, 0.25, 0]
        let std: [Float] = [0.5, 0.25, 2]
        let tensor = image.normalizedTensor(mean: mean, std: std)
        #expect(tensor.shape == [3, 2, 3])
        #expect(tensor[indices: 0, 1, 2] == (Float(255) / 255 - 0.5) / 0.5)
        #expect(tensor[indices: 1, 1, 2] == (Float(0) / 255 - 0.25) / 0.25)
        #expect(tensor[indices: 2, 1, 2] == (Float(51) / 255 - 0) / 2)
        #expect(tensor[indices: 0, 0, 0] == -1)
    }

    @Test("batches stack to [N, 3, H, W]")
    func batch() throws {
        let images = [RGBImage(width: 300, height: 200, red: 200), RGBImage(width: 50, height: 90, green: 10)]
        let batch = try Preprocessing.openAICLIP.batch(images)
        #expect(batch.shape == [2, 3, 224, 224])
        #expect(try batch[1].scalars == Preprocessing.openAICLIP(images[1]).scalars)
        #expect(try batch[0].scalars == Preprocessing.openAICLIP(images[0]).scalars)
    }

    @Test("presets and Codable round trip with open_clip's field names")
    func codable() throws {
        let clip = Preprocessing.openAICLIP
        #expect(clip.imageSize == 224 && clip.interpolation == .bicubic && clip.resizeMode == .shortest)
        #expect(clip.mean == [0.48145466, 0.4578275, 0.40821073])
        #expect(clip.std == [0.26862954, 0.26130258, 0.27577711])
        #expect(Preprocessing.competitionRetrieval.resizeMode == .squashWithinTwoToOne)

        let data = try JSONEncoder().encode(Preprocessing.competitionRetrieval)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["size", "mean", "std", "interpolation", "resize_mode"])
        #expect(object["resize_mode"] as? String == "squash_within_2_to_1")
        #expect(try JSONDecoder().decode(Preprocessing.self, from: data) == .competitionRetrieval)

        let json = #"{"size": 336, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}"#
        let decoded = try JSONDecoder().decode(Preprocessing.self, from: Data(json.utf8))
        #expect(decoded == Preprocessing(imageSize: 336, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5]))

        let bad = #"{"size": 224, "mean": [0.5, 0.5], "std": [0.5, 0.5, 0.5]}"#
        #expect {
            _ = try JSONDecoder().decode(Preprocessing.self, from: Data(bad.utf8))
        } throws: { error in
            "\(error)".contains("mean needs 3 values (R, G, B), got 2")
        }
    }

    @Test("resize_size: shorter side to resize_size, then the centre crop (torchvision ImageClassification)")
    func resizeThenCrop() throws {
        let image = RGBImage(width: 300, height: 200) { buffer in
            for index in 0..<buffer.count { buffer[index] = UInt8(truncatingIfNeeded: index &* 7 / 5) }
        }
        let preprocessing = Preprocessing(imageSize: 64, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], resizeSize: 73)
        let expected = try image.resizedShortestSide(to: 73, filter: .bicubic).centerCropped(width: 64, height: 64)
        #expect(try preprocessing.resizedImage(image) == expected)
        // Without it the shorter side goes straight to the crop size.
        var plain = preprocessing
        plain.resizeSize = nil
        #expect(try plain.resizedImage(image) == image.resizedShortestSide(to: 64).centerCropped(width: 64, height: 64))

        let data = try JSONEncoder().encode(preprocessing)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["resize_size"] as? Int == 73)
        #expect(try JSONDecoder().decode(Preprocessing.self, from: data) == preprocessing)
        let bad = #"{"size": 224, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "resize_size": 0}"#
        #expect {
            _ = try JSONDecoder().decode(Preprocessing.self, from: Data(bad.utf8))
        } throws: { error in
            "\(error)".contains("resize_size must be positive, got 0")
        }
    }

    @Test("each resize mode gives a square of the configured size")
    func modes() throws {
        let image = RGBImage(width: 500, height: 120, blue: 77)
        for mode in ResizeMode.allCases {
            let preprocessing = Preprocessing(imageSize: 64, mean: Preprocessing.openAIMean,
                                              std: Preprocessing.openAIStd, resizeMode: mode)
            let resized = try preprocessing.resizedImage(image)
            #expect(resized.width == 64 && resized.height == 64, "\(mode)")
            #expect(resized[32, 32] == (0, 0, 77), "\(mode)")
        }
    }
}

@Suite("Crops")
struct CropTests {
    @Test("crops partly or wholly outside the image are filled with black, as Pillow's crop")
    func outsideCrops() throws {
        var image = RGBImage(width: 4, height: 3, red: 10, green: 20, blue: 30)
        image[3, 2] = (1, 2, 3)
        let overhanging = try image.cropped(left: 2, top: 1, width: 4, height: 4)
        #expect(overhanging.width == 4 && overhanging.height == 4)
        #expect(overhanging[0, 0] == (10, 20, 30))
        #expect(overhanging[1, 1] == (1, 2, 3))
        #expect(overhanging[2, 0] == (0, 0, 0) && overhanging[0, 2] == (0, 0, 0))
        let before = try image.cropped(left: -3, top: -1, width: 4, height: 2)
        #expect(before[2, 1] == (0, 0, 0) && before[3, 1] == (10, 20, 30) && before[3, 0] == (0, 0, 0))
        #expect(try image.cropped(left: 10, top: 10, width: 2, height: 2) == RGBImage(width: 2, height: 2))
        #expect(try image.cropped(left: 0, top: 0, width: 4, height: 3) == image)
        #expect(try image.cropped(left: 1, top: 1, width: 0, height: 5).pixels.isEmpty)
    }

    @Test("resizing to the same size returns the image; an integer region of the output size is a crop")
    func resizeShortcuts() throws {
        let image = RGBImage(width: 9, height: 7) { buffer in
            for index in 0..<buffer.count { buffer[index] = UInt8(index % 251) }
        }
        #expect(try image.resized(width: 9, height: 7) == image)
        let region = ResizeRegion(left: 2, top: 1, right: 7, bottom: 5)
        #expect(try image.resized(width: 5, height: 4, filter: .lanczos, region: region)
                == image.cropped(left: 2, top: 1, width: 5, height: 4))
    }
}
