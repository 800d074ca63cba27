import Foundation
import Imaging

/// Images sorted into one folder per class, `root/<class>/…/<image>`, as torchvision's
/// `ImageFolder` reads them (and CIFAR-10 or ImageNet-val exported as class folders): the classes
/// are the non-hidden subfolders of `root` in sorted order (class i is folder i, including a
/// folder without images), each class's images are the image files anywhere below its folder
/// (`ImageFolder` listing, sorted by path). Files beside the class folders (a README, a names
/// file) are ignored.
///
/// Class names are the folder names, or come from a names file (`ClassNamesFile`), for folders
/// named by ids such as ImageNet's WordNet ids.
public struct ClassFolders: Sendable, Equatable {
    /// One image: its path relative to `root` and its class.
    public struct Image: Sendable, Equatable {
        public var path: String
        public var label: Int

        public init(path: String, label: Int) {
            self.path = path
            self.label = label
        }
    }

    public let root: URL
    /// The class folders' names, sorted.
    public let folderNames: [String]
    /// The name of each class: its folder's name, or the names file's name for it.
    public let classNames: [String]
    /// Class by class, each class's images sorted by path.
    public let images: [Image]

    /// Lists `root`; throws when no class folder holds an image.
    public init(root: URL, classNamesFile: URL? = nil, extensions: Set<String> = ImageFormat.decodableFileExtensions) throws {
        guard ImageFolder.isFolder(root) else {
            throw DatasetError.unreadable(path: root.path, reason: "no such folder")
        }
        let folders = try ImageFolder.visibleEntries(of: root).filter { ImageFolder.isFolder(root.appendingPathComponent($0)) }.sorted()
        var images: [Image] = []
        for (label, folder) in folders.enumerated() {
            let files = try ImageFolder.listing(root.appendingPathComponent(folder, isDirectory: true), recursive: true, extensions: extensions)
            images += files.map { Image(path: folder + "/" + $0, label: label) }
        }
        guard !images.isEmpty else {
            throw DatasetError.emptyDataset(path: root.path, reason: "no class folder holds an image file ("
                                            + extensions.sorted().map { "." + $0 }.joined(separator: ", ") + ")")
        }
        self.root = root
        folderNames = folders
        classNames = try classNamesFile.map { try ClassNamesFile(contentsOf: $0).names(forFolders: folders) } ?? folders
        self.images = images
    }

    /// The file of `image`.
    public func url(of image: Image) -> URL { root.appendingPathComponent(image.path) }

    /// Decodes every image once into memory (`LabeledImageSet(decoding:…)`).
    public func load(size: Int, channels: Int, filter: ResamplingFilter = .bilinear,
                     decoder: ImageDecoder = ImageDecoder()) throws -> LabeledImageSet {
        try LabeledImageSet(decoding: images.map(url(of:)), labels: images.map(\.label), classNames: classNames,
                            size: size, channels: channels, filter: filter, decoder: decoder)
    }
}
