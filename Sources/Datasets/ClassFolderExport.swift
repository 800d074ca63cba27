import Foundation
import Imaging

/// Writes a `LabeledImageSet` as PNG files in class folders, `DIR/<class>/<index>.png`, the
/// layout `ClassFolders` reads back. Index is the image's position in the set, zero-padded so
/// names sort in data order; a class name's "/" (as in Fashion-MNIST's "T-shirt/top") becomes
/// "-" in its folder name.
public struct ClassFolderExport: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// The folder name of a class.
    public static func folderName(ofClass name: String) -> String {
        name.replacingOccurrences(of: "/", with: "-")
    }

    /// The file image `index` of `set` is written to.
    public func fileURL(index: Int, in set: LabeledImageSet) -> URL {
        let digits = max(5, String(max(set.count - 1, 0)).count)
        let name = String(repeating: "0", count: max(0, digits - String(index).count)) + String(index)
        return directory.appendingPathComponent(Self.folderName(ofClass: set.classNames[set.labels[index]]), isDirectory: true)
            .appendingPathComponent(name + ".png")
    }

    /// Writes images `0..<min(limit, count)` (grey sets as grey PNGs, 3-channel sets as RGB),
    /// calling `progress(done, total)` every 500 images and at the end. Returns the files written.
    @discardableResult
    public func write(_ set: LabeledImageSet, limit: Int? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> [URL] {
        guard set.channels == 1 || set.channels == 3 else {
            throw DatasetError.unexpectedShape(path: directory.path, expected: "1 or 3 channels", found: [set.channels])
        }
        let total = min(limit ?? set.count, set.count)
        let manager = FileManager.default
        for name in Set(set.labels.prefix(total).map { set.classNames[$0] }) {
            try manager.createDirectory(at: directory.appendingPathComponent(Self.folderName(ofClass: name), isDirectory: true),
                                        withIntermediateDirectories: true)
        }
        var files: [URL] = []
        files.reserveCapacity(total)
        for index in 0..<total {
            let data = set.channels == 1
                ? try PNGEncoder.encode(Array(set.pixels[(index * set.imageSize)..<((index + 1) * set.imageSize)]),
                                        width: set.width, height: set.height, layout: .gray)
                : try PNGEncoder.encode(set.rgbImage(at: index))
            let url = fileURL(index: index, in: set)
            try data.write(to: url, options: .atomic)
            files.append(url)
            if (index + 1) % 500 == 0 || index + 1 == total { progress?(index + 1, total) }
        }
        return files
    }
}
