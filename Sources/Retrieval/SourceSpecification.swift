import Datasets
import Foundation

/// A collection named on a command line: a path, an optional layout and the layout's options,
/// turned into the matching `DataSource`.
///
/// ```swift
/// let source = try SourceSpecification(location: URL(fileURLWithPath: "captions.csv")).makeSource()
/// ```
public struct SourceSpecification: Sendable {
    public var location: URL
    /// nil: `SourceFormat.detect(location)`.
    public var format: SourceFormat?
    /// Caption tables: the columns holding the image path, the caption and (optionally) a caption id.
    public var imageColumn = "image"
    public var captionColumn = "caption"
    public var captionIDColumn: String?
    /// Caption tables and COCO: the folder image paths are relative to. Default: the table's
    /// folder; for COCO's `annotations/captions_<split>.json`, `<split>/` beside `annotations/`
    /// when it exists, else the JSON's folder.
    public var imageRoot: URL?
    /// Chinese-CLIP: the image TSV (default: `<split>_imgs.tsv` beside `<split>_texts.jsonl`).
    public var imagesFile: URL?
    /// Class folders: each class's caption, `{}` standing for the class name.
    public var captionTemplate = "a photo of a {}."
    /// Class folders: a file naming the classes (`ClassNamesFile`); nil: the folder names.
    public var classNamesFile: URL?
    /// Caption tables and COCO: read image paths that are absolute or climb out of the image
    /// root (a dataset you trust); otherwise such images are refused and reported.
    public var allowsPathsOutsideRoot = false

    public init(location: URL, format: SourceFormat? = nil) {
        self.location = location
        self.format = format
    }

    /// The format given, or the detected one.
    public func resolvedFormat() throws -> SourceFormat {
        try format ?? SourceFormat.detect(location)
    }

    /// The reader of this collection.
    public func makeSource() throws -> any DataSource {
        let format = try resolvedFormat()
        let isFolder = Self.isFolder(location)
        if [.folder, .classFolders].contains(format) && !isFolder {
            throw DatasetError.unknownFormat(path: location.path, reason: "--format \(format.rawValue) needs a folder")
        }
        switch format {
        case .folder:
            return ImageFolderSource(root: location)
        case .classFolders:
            return ClassFolderSource(root: location, captionTemplate: captionTemplate, classNamesFile: classNamesFile)
        case .csv, .tsv:
            var source = CaptionTableSource(file: location, imageColumn: imageColumn, captionColumn: captionColumn,
                                            captionIDColumn: captionIDColumn, delimiter: format == .tsv ? "\t" : ",",
                                            imageRoot: imageRoot)
            source.allowsPathsOutsideRoot = allowsPathsOutsideRoot
            return source
        case .coco:
            return COCOCaptionsSource(annotationsFile: location, imageRoot: imageRoot ?? Self.cocoImageRoot(for: location),
                                      allowsPathsOutsideRoot: allowsPathsOutsideRoot)
        case .chineseCLIP:
            let (texts, images) = try chineseCLIPFiles(isFolder: isFolder)
            return ChineseCLIPSource(textsFile: texts, imagesFile: images)
        }
    }

    private func chineseCLIPFiles(isFolder: Bool) throws -> (texts: URL, images: URL) {
        var texts = location
        if isFolder {
            let splits = try SourceFormat.chineseCLIPSplits(in: location)
            guard splits.count == 1 else {
                let found = splits.isEmpty ? "no <split>_texts.jsonl with its <split>_imgs.tsv"
                    : "several splits (\(splits.joined(separator: ", ")))"
                throw DatasetError.unknownFormat(path: location.path,
                                                    reason: "found \(found); give the texts file, e.g. \(location.path)/valid_texts.jsonl")
            }
            texts = location.appendingPathComponent(splits[0] + SourceFormat.chineseCLIPTextsSuffix)
        }
        if let imagesFile { return (texts, imagesFile) }
        let name = texts.lastPathComponent
        guard name.hasSuffix(SourceFormat.chineseCLIPTextsSuffix) else {
            throw DatasetError.unknownFormat(path: texts.path,
                                                reason: "cannot tell where its images are; name the image TSV with --images FILE")
        }
        let images = texts.deletingLastPathComponent()
            .appendingPathComponent(name.dropLast(SourceFormat.chineseCLIPTextsSuffix.count) + SourceFormat.chineseCLIPImagesSuffix)
        guard FileManager.default.fileExists(atPath: images.path) else {
            throw DatasetError.unreadable(path: images.path, reason: "the image TSV beside \(name) is missing; name it with --images FILE")
        }
        return (texts, images)
    }

    /// COCO's layout keeps `annotations/captions_val2017.json` beside `val2017/`.
    static func cocoImageRoot(for annotations: URL) -> URL {
        let folder = annotations.deletingLastPathComponent()
        let name = annotations.deletingPathExtension().lastPathComponent
        if name.hasPrefix("captions_") {
            let split = folder.deletingLastPathComponent().appendingPathComponent(String(name.dropFirst("captions_".count)))
            if isFolder(split) { return split }
        }
        return folder
    }

    static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
