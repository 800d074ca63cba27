import Datasets
import Foundation

/// The collection layouts `clipkit index` and `clipkit eval retrieval` read, and how a path is
/// recognised as one of them.
///
/// | format | path | reader |
/// |---|---|---|
/// | `folder` | a folder of images (recursive) | `ImageFolderSource` |
/// | `class-folders` | `root/<class>/<image>` | `ClassFolderSource` |
/// | `csv`, `tsv` | a table of `image,caption` rows | `CaptionTableSource` |
/// | `coco` | a COCO captions `.json` | `COCOCaptionsSource` |
/// | `chinese-clip` | `<split>_texts.jsonl` + `<split>_imgs.tsv`, or a folder holding one such pair | `ChineseCLIPSource` |
public enum SourceFormat: String, CaseIterable, Sendable {
    case folder
    case classFolders = "class-folders"
    case csv
    case tsv
    case coco
    case chineseCLIP = "chinese-clip"

    /// The suffixes of Chinese-CLIP's caption and image files (`valid_texts.jsonl`, `valid_imgs.tsv`).
    public static let chineseCLIPTextsSuffix = "_texts.jsonl"
    public static let chineseCLIPImagesSuffix = "_imgs.tsv"

    /// The format a path obviously has: a folder holding a Chinese-CLIP pair is `chinese-clip`,
    /// any other folder `folder` (give `class-folders` explicitly: a photo library sorted into
    /// folders looks the same); files go by extension (`.csv`, `.tsv`/`.tab`, `.json` → COCO,
    /// `.jsonl` → Chinese-CLIP). Throws `DatasetError.unknownFormat` otherwise.
    public static func detect(_ location: URL) throws -> SourceFormat {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: location.path, isDirectory: &isDirectory) else {
            throw DatasetError.unreadable(path: location.path, reason: "no such file or folder")
        }
        if isDirectory.boolValue {
            return try chineseCLIPSplits(in: location).isEmpty ? .folder : .chineseCLIP
        }
        switch location.pathExtension.lowercased() {
        case "csv": return .csv
        case "tsv", "tab": return .tsv
        case "json": return .coco
        case "jsonl": return .chineseCLIP
        default:
            throw DatasetError.unknownFormat(
                path: location.path,
                reason: "a .\(location.pathExtension) file is none of the layouts CLIPKit reads; "
                    + "expected a folder of images, a .csv/.tsv caption table, a COCO captions .json or Chinese-CLIP's "
                    + "<split>_texts.jsonl; choose one with --format \(allCases.map(\.rawValue).joined(separator: "|"))")
        }
    }

    /// The split names `s` of the `s_texts.jsonl` / `s_imgs.tsv` pairs directly in `folder`, sorted.
    public static func chineseCLIPSplits(in folder: URL) throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw DatasetError.unreadable(path: folder.path, reason: error.localizedDescription)
        }
        let files = Set(names)
        return names.filter { $0.hasSuffix(chineseCLIPTextsSuffix) }
            .map { String($0.dropLast(chineseCLIPTextsSuffix.count)) }
            .filter { files.contains($0 + chineseCLIPImagesSuffix) }
            .sorted()
    }
}
