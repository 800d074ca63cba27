import Foundation

/// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 28×28 grey images of 10 clothing classes, 60,000
/// for training and 10,000 for testing, in four idx files (`train-images-idx3-ubyte.gz`, …).
/// Debian's `dataset-fashion-mnist` installs them under `/usr/share/datasets/fashion-mnist`.
public enum FashionMNIST {
    public enum Split: String, Codable, Sendable, CaseIterable {
        case train
        case test

        /// The file-name prefix the distribution uses.
        var filePrefix: String { self == .train ? "train" : "t10k" }
    }

    /// Where Debian's package puts the files.
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist", isDirectory: true)

    /// The ten classes in label order.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// The classes as a caption would name them, for zero-shot prompts such as "a photo of a {}.":
    /// lower case, one garment each ("T-shirt/top" → "t-shirt", "Trouser" → "pair of trousers").
    public static let promptNames = ["t-shirt", "pair of trousers", "pullover", "dress", "coat",
                                     "sandal", "shirt", "sneaker", "bag", "ankle boot"]

    /// Reads one split; the files may be gzipped (`.gz`) or not.
    public static func load(split: Split, directory: URL = defaultDirectory) throws -> LabeledImageSet {
        let imagesURL = try locate("\(split.filePrefix)-images-idx3-ubyte", in: directory)
        let labelsURL = try locate("\(split.filePrefix)-labels-idx1-ubyte", in: directory)
        return try load(images: IDXFile(contentsOf: imagesURL), labels: IDXFile(contentsOf: labelsURL),
                        imagesPath: imagesURL.path, labelsPath: labelsURL.path)
    }

    /// Validates a pair of idx arrays as Fashion-MNIST-style images `[N, H, W]` and labels `[N]`.
    public static func load(images: IDXFile, labels: IDXFile, imagesPath: String = "images",
                            labelsPath: String = "labels") throws -> LabeledImageSet {
        guard images.dimensions.count == 3 else {
            throw DatasetError.unexpectedShape(path: imagesPath, expected: "images [count, height, width]", found: images.dimensions)
        }
        guard labels.dimensions.count == 1 else {
            throw DatasetError.unexpectedShape(path: labelsPath, expected: "labels [count]", found: labels.dimensions)
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DatasetError.countMismatch(imagesPath: imagesPath, images: images.dimensions[0], labelsPath: labelsPath, labels: labels.dimensions[0])
        }
        let classLabels = labels.bytes.map(Int.init)
        if let bad = classLabels.first(where: { $0 >= classNames.count }) {
            throw DatasetError.labelOutOfRange(path: labelsPath, label: bad, classes: classNames.count)
        }
        return LabeledImageSet(channels: 1, height: images.dimensions[1], width: images.dimensions[2],
                               pixels: images.bytes, labels: classLabels, classNames: classNames)
    }

    /// `name.gz` or `name` in `directory`.
    private static func locate(_ name: String, in directory: URL) throws -> URL {
        for candidate in [name + ".gz", name] {
            let url = directory.appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw DatasetError.unreadable(path: directory.appendingPathComponent(name + ".gz").path,
                                          reason: "missing; install Debian's dataset-fashion-mnist (scripts/setup.sh) or pass the folder holding the idx files")
    }
}
