import Foundation
import Tensor
import Testing
import TestSupport
@testable import Datasets

@Suite struct IDXAndFashionMNISTTests {
    @Test func parsesAndSerialisesIDX() throws {
        let file = IDXFile(dimensions: [2, 3], bytes: [1, 2, 3, 4, 5, 6])
        let bytes = file.serialized()
        #expect(Array(bytes.prefix(4)) == [0, 0, 8, 2])
        #expect(try IDXFile(parsing: bytes, path: "x") == file)
    }

    @Test func rejectsBadIDXWithClearErrors() {
        #expect(throws: DatasetError.badIDXMagic(path: "a", found: [0x50, 0x4B, 3, 4])) {
            try IDXFile(parsing: [0x50, 0x4B, 3, 4, 0, 0], path: "a")
        }
        #expect(throws: DatasetError.unsupportedIDXElementType(path: "b", code: 0x0D)) {
            try IDXFile(parsing: [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], path: "b")
        }
        #expect(throws: DatasetError.idxSizeMismatch(path: "c", dimensions: [2, 2], expectedBytes: 4, actualBytes: 3)) {
            try IDXFile(parsing: [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 9, 9, 9], path: "c")
        }
        let labels = IDXFile(dimensions: [3], bytes: [0, 1, 2])
        let images = IDXFile(dimensions: [2, 2, 2], bytes: [UInt8](repeating: 0, count: 8))
        #expect(throws: DatasetError.countMismatch(imagesPath: "images", images: 2, labelsPath: "labels", labels: 3)) {
            try FashionMNIST.load(images: images, labels: labels)
        }
        #expect(throws: DatasetError.labelOutOfRange(path: "labels", label: 12, classes: 10)) {
            try FashionMNIST.load(images: images, labels: IDXFile(dimensions: [2], bytes: [1, 12]))
        }
    }

    @Test func readsTheInstalledFashionMNISTTestSplit() throws {
        let test = try FashionMNIST.load(split: .test)
        #expect(test.count == 10_000 && test.height == 28 && test.width == 28 && test.channels == 1)
        #expect(test.indicesByClass().map(\.count) == [Int](repeating: 1000, count: 10))
        // The first test image is an ankle boot (class 9), as in every Fashion-MNIST loader.
        #expect(test.labels.prefix(5) == [9, 2, 1, 1, 6])
        #expect(test.pixels.count == 10_000 * 784)
    }

    @Test func truncatedGzipFailsLoudly() throws {
        let url = FashionMNIST.defaultDirectory.appendingPathComponent("t10k-labels-idx1-ubyte.gz")
        let bytes = [UInt8](try Data(contentsOf: url))
        let folder = try TemporaryFolder()
        let truncated = try folder.write(Data(bytes.prefix(bytes.count / 2)), to: "truncated-idx1-ubyte.gz")
        #expect(throws: DatasetError.corruptGzip(path: truncated.path, reason: "gzip member 1 ends before its trailer (the data is truncated)")) {
            try IDXFile(contentsOf: truncated)
        }
        var corrupted = bytes
        corrupted[corrupted.count - 6] ^= 0xFF  // the CRC-32 trailer
        let damaged = try folder.write(Data(corrupted), to: "damaged-idx1-ubyte.gz")
        #expect(throws: DatasetError.corruptGzip(path: damaged.path, reason: "gzip member 1 is corrupt (incorrect data check)")) {
            try IDXFile(contentsOf: damaged)
        }
        // The same bytes uncompressed read as they are.
        let plain = try folder.write(Data(IDXFile(contentsOf: url).serialized()), to: "plain-idx1-ubyte")
        #expect(try IDXFile(contentsOf: plain) == IDXFile(contentsOf: url))
    }

    @Test func batchesNormaliseAndFlip() {
        let set = LabeledImageSet(channels: 1, height: 1, width: 3, pixels: [0, 51, 255, 255, 0, 0], labels: [0, 1],
                                  classNames: ["a", "b"])
        let batch = set.batch([1, 0], normalization: .unit(channels: 1), flipped: [true, false])
        #expect(batch.shape == [2, 1, 1, 3])
        #expect(batch.scalars == [0, 0, 1, 0, 0.2, 1])
    }
}
