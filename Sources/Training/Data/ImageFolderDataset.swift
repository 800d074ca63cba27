import Foundation
import Imaging

/// Images sorted into one folder per class (`root/<class name>/<image file>`), as torchvision's
/// `ImageFolder` and the fashion notebook's generator read them. Class indices follow the sorted
/// folder names; files are listed in sorted order, hidden files and non-image extensions skipped.
public struct ImageFolderDataset: Sendable {
    /// One image file and its class.
    public struct Item: Sendable, Equatable {
        public var path: String
        public var label: Int
    }

    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    public let root: URL
    public let classNames: [String]
    public let items: [Item]

    /// Lists `root`; throws when it has no class folder with an image.
    public init(root: URL) throws {
        let manager = FileManager.default
        let folders: [String]
        do {
            folders = try manager.contentsOfDirectory(atPath: root.path).filter { name in
                var isDirectory: ObjCBool = false
                return !name.hasPrefix(".")
                    && manager.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }.sorted()
        } catch {
            throw DatasetError.unreadableFile(path: root.path, reason: error.localizedDescription)
        }
        var items: [Item] = []
        for (label, folder) in folders.enumerated() {
            let directory = root.appendingPathComponent(folder, isDirectory: true)
            let files = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
            for file in files.sorted() where !file.hasPrefix(".")
                && Self.imageExtensions.contains((file as NSString).pathExtension.lowercased()) {
                items.append(Item(path: directory.appendingPathComponent(file).path, label: label))
            }
        }
        guard !items.isEmpty else {
            throw DatasetError.emptyDataset(path: root.path, reason: "no class folder holds a .jpg, .jpeg, .png or .webp file")
        }
        self.root = root
        classNames = folders
        self.items = items
    }

    /// Decodes every image once, squashed to `size`×`size` with `filter`, grey (ITU-R 601-2 luma,
    /// Pillow's `convert("L")`) when `channels` is 1, into an in-memory set.
    public func load(size: Int, channels: Int, filter: ResamplingFilter = .bilinear,
                     decoder: ImageDecoder = ImageDecoder()) throws -> LabeledImageSet {
        precondition(channels == 1 || channels == 3, "images have 1 or 3 channels")
        let plane = size * size
        var pixels = [UInt8](repeating: 0, count: items.count * channels * plane)
        for (index, item) in items.enumerated() {
            let image = try decoder.decode(contentsOf: URL(fileURLWithPath: item.path)).resized(width: size, height: size, filter: filter)
            let base = index * channels * plane
            for position in 0..<plane {
                let red = Int(image.pixels[position * 3]), green = Int(image.pixels[position * 3 + 1]),
                    blue = Int(image.pixels[position * 3 + 2])
                if channels == 1 {
                    pixels[base + position] = UInt8((red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16)
                } else {
                    pixels[base + position] = UInt8(red)
                    pixels[base + plane + position] = UInt8(green)
                    pixels[base + 2 * plane + position] = UInt8(blue)
                }
            }
        }
        return LabeledImageSet(channels: channels, height: size, width: size, pixels: pixels,
                               labels: items.map(\.label), classNames: classNames)
    }
}
