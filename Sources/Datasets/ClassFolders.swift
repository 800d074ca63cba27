import FileSystem
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
    /// One image: its path relative to `root` (escaped text, `PathTextEscaping`) and its class.
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
    /// Subfolders that could not be listed, or links to folders already listed (`ImageFolder`).
    public let problems: [ImageFolder.Problem]

    /// Lists `root`; throws when no class folder holds an image.
    public init(root: URL, classNamesFile: URL? = nil, extensions: Set<String> = ImageFormat.decodableFileExtensions) throws {
        let rootPath = FileSystemPath(root)
        let folders = try ImageFolder.visibleSubfolders(of: rootPath).map(\.escapedText)
        var images: [Image] = [], problems: [ImageFolder.Problem] = []
        for (label, folder) in folders.enumerated() {
            let listing = try ImageFolder(rootPath: rootPath.appending(FileSystemPath(escapedText: folder)), recursive: true, extensions: extensions)
            images += listing.files.map { Image(path: folder + "/" + $0, label: label) }
            problems += listing.problems.map { ImageFolder.Problem(path: folder + "/" + $0.path, reason: $0.reason) }
        }
        guard !images.isEmpty else {
            throw DatasetError.emptyDataset(path: root.path, reason: "no class folder holds an image file ("
                                            + extensions.sorted().map { "." + $0 }.joined(separator: ", ") + ")")
        }
        self.root = root
        self.problems = problems
        folderNames = folders
        classNames = try classNamesFile.map { try ClassNamesFile(contentsOf: $0).names(forFolders: folders) } ?? folders
        self.images = images
    }

    /// The file of `image` (a name that is not UTF-8 appears as its escaped text: read through `path(of:)`).
    public func url(of image: Image) -> URL { root.appendingPathComponent(image.path) }

    /// The file of `image` as bytes.
    public func path(of image: Image) -> FileSystemPath { FileSystemPath(root).appending(FileSystemPath(escapedText: image.path)) }

    /// Decodes every image once into memory (`LabeledImageSet(decoding:…)`).
    public func load(size: Int, channels: Int, filter: ResamplingFilter = .bilinear,
                     decoder: ImageDecoder = ImageDecoder()) throws -> LabeledImageSet {
        try LabeledImageSet(decoding: images.map(path(of:)), labels: images.map(\.label), classNames: classNames,
                            size: size, channels: channels, filter: filter, decoder: decoder)
    }
}
