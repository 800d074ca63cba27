import ArgumentParser
import CLIPKit
import Datasets
import Foundation
import Retrieval

/// How `index` and `eval retrieval` read a collection: its layout and the layout's options.
struct CollectionSourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Layout: \(SourceFormat.allCases.map(\.rawValue).joined(separator: "|")). Default: detected (a folder of images, .csv, "
            + ".tsv, COCO .json, Chinese-CLIP .jsonl or a folder with <split>_texts.jsonl + <split>_imgs.tsv).",
        valueName: "format"))
    var format: SourceFormat?

    @Option(help: "CSV/TSV: the column holding image paths (relative to the table's folder or --image-root).")
    var imageColumn = "image"

    @Option(help: "CSV/TSV: the column holding captions.")
    var captionColumn = "caption"

    @Option(help: "CSV/TSV: a column of caption ids (default: the row number). Rows sharing an id are one caption of several images.")
    var captionIDColumn: String?

    @Option(help: "CSV/TSV and COCO: the folder image paths are relative to.", completion: .directory)
    var imageRoot: String?

    @Option(help: "Chinese-CLIP: the image TSV (default: <split>_imgs.tsv beside <split>_texts.jsonl).", completion: .file())
    var images: String?

    @Option(help: "Class folders: the caption of each class, {} standing for the folder name.")
    var classCaption = "a photo of a {}."

    @Flag(help: "CSV/TSV and COCO: also read image paths that are absolute or climb out of the image root with .. (a dataset you trust).")
    var allowOutsideRoot = false

    func specification(location: String) -> SourceSpecification {
        var specification = SourceSpecification(location: Self.url(location), format: format)
        specification.imageColumn = imageColumn
        specification.captionColumn = captionColumn
        specification.captionIDColumn = captionIDColumn
        specification.imageRoot = imageRoot.map(Self.url)
        specification.imagesFile = images.map(Self.url)
        specification.captionTemplate = classCaption
        specification.allowsPathsOutsideRoot = allowOutsideRoot
        return specification
    }

    /// The collection at `location` listed (see `CollectionIndexing`), a missing column named
    /// with the options that fix it.
    func listing(_ location: String) throws -> CollectionIndexing {
        let specification = specification(location: location)
        var listing: CollectionIndexing!
        try MissingColumn.naming("--image-column, --caption-column or --caption-id-column") {
            listing = try CollectionIndexing(specification)
        }
        return listing
    }

    func validate() throws {
        guard classCaption.contains("{}") else { throw ValidationError("--class-caption needs {} where the class name goes") }
    }

    static func url(_ path: String) -> URL {
        URL(fileURLWithPath: (path as NSString).expandingTildeInPath).standardizedFileURL
    }
}

extension SourceFormat: ExpressibleByArgument {}

/// A table lacking a column, with the options that name columns.
struct MissingColumn: Error, CustomStringConvertible {
    let description: String

    /// Rethrows `DatasetError.missingColumn` from `body` with `options` named.
    static func naming(_ options: String, _ body: () throws -> Void) throws {
        do { try body() } catch let error as DatasetError {
            guard case let .missingColumn(path, column, available) = error else { throw error }
            throw MissingColumn(description: "\(path) has no column \"\(column)\" (its header has: "
                                + "\(available.joined(separator: ", "))); name the right one with \(options)")
        }
    }
}
