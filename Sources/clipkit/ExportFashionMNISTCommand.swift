import ArgumentParser
import Datasets
import Foundation

/// `clipkit export fashion-mnist`: the idx files as PNGs in class folders.
struct ExportFashionMNISTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fashion-mnist",
        abstract: "Write Fashion-MNIST as 28×28 grey PNG files in class folders.",
        discussion: """
            Reads the idx files of Debian's dataset-fashion-mnist (or --data) and writes \
            OUT/<class>/<index>.png, index being the image's position in the split (zero-padded); \
            "T-shirt/top" becomes the folder T-shirt-top. The folders are what `clipkit index` and \
            class-folder training read.
            Example: clipkit export fashion-mnist --out fashion-png --split test --limit 1000
            """)

    @Option(help: "Folder to write the class folders into (created if missing).", completion: .directory)
    var out: String

    @Option(help: "Which split: test (10,000 images) or train (60,000).")
    var split = FashionMNIST.Split.test.rawValue

    @Option(help: "Write only the first N images of the split.")
    var limit: Int?

    @Option(help: "Folder holding the idx files.", completion: .directory)
    var data: String = FashionMNIST.defaultDirectory.path

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard FashionMNIST.Split(rawValue: split) != nil else { throw ValidationError("--split must be test or train") }
    }

    func run() throws {
        let set = try FashionMNIST.load(split: FashionMNIST.Split(rawValue: split)!, directory: URL(fileURLWithPath: data, isDirectory: true))
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        let total = min(limit ?? set.count, set.count)
        let bar = ProgressBar(label: "export", total: total)
        let start = Date()
        let files = try ClassFolderExport(directory: directory).write(set, limit: limit, progress: { done, _ in if done < total { bar.update(done) } })
        bar.finish(files.count)
        print(String(format: "wrote %d PNG files of Fashion-MNIST %@ in %d class folders under %@ (%.1f s)",
                     files.count, split, Set(files.map { $0.deletingLastPathComponent().path }).count,
                     directory.path, Date().timeIntervalSince(start)))
    }
}
