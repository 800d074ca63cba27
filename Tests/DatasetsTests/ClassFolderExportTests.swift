import Datasets
import Foundation
import Imaging
import Testing

/// Class-folder PNG export, read back by `ClassFolders` and our decoder.
@Suite struct ClassFolderExportTests {
    func withDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    @Test func installedFashionMNISTRoundTripsThroughPNG() throws {
        let set = try FashionMNIST.load(split: .test)
        try withDirectory { directory in
            var reported: [Int] = []
            let files = try ClassFolderExport(directory: directory).write(set, limit: 600, progress: { done, _ in reported.append(done) })
            #expect(files.count == 600)
            #expect(reported == [500, 600])
            #expect(files[0].lastPathComponent == "00000.png")
            #expect(files[0].deletingLastPathComponent().lastPathComponent == "Ankle boot")  // test image 0 is an ankle boot
            let folders = try ClassFolders(root: directory)
            #expect(folders.classNames == FashionMNIST.classNames.map(ClassFolderExport.folderName(ofClass:)).sorted())
            #expect(folders.classNames.contains("T-shirt-top"))
            // Every file decodes to the idx bytes, replicated to RGB, in its class's folder.
            for (index, url) in files.enumerated() {
                let image = try ImageDecoder().decode(contentsOf: url)
                let grey = Array(set.pixels[(index * 784)..<((index + 1) * 784)])
                #expect(image.width == 28 && image.height == 28)
                #expect(image.pixels == grey.flatMap { [$0, $0, $0] }, "\(url.lastPathComponent)")
                #expect(url.deletingLastPathComponent().lastPathComponent
                        == ClassFolderExport.folderName(ofClass: FashionMNIST.classNames[set.labels[index]]))
            }
        }
    }

    @Test func planarRGBSetsBecomeInterleavedPNGs() throws {
        // Two 2×3 images: channel planes hold distinct values so a transposition would show.
        let pixels: [UInt8] = (0..<(2 * 3 * 6)).map { UInt8($0 * 7) }
        let set = LabeledImageSet(channels: 3, height: 2, width: 3, pixels: pixels, labels: [1, 0], classNames: ["a/b", "c"])
        try withDirectory { directory in
            let files = try ClassFolderExport(directory: directory).write(set)
            #expect(files.map { $0.pathComponents.suffix(2).joined(separator: "/") } == ["c/00000.png", "a-b/00001.png"])
            for (index, url) in files.enumerated() {
                let image = try ImageDecoder().decode(contentsOf: url)
                for pixel in 0..<6 {
                    for channel in 0..<3 {
                        #expect(image.pixels[pixel * 3 + channel] == pixels[index * 18 + channel * 6 + pixel])
                    }
                }
            }
        }
    }
}
