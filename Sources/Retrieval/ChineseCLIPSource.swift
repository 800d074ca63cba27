import Datasets
import Foundation

/// Chinese-CLIP's retrieval data (`ChineseCLIPTexts` + `ChineseCLIPImages`: MUGE, Flickr30K-CN,
/// COCO-CN) as a source. Items are keyed by image id; their bytes stay in the TSV and are decoded
/// when indexed. Their incremental state is the base64 length and the TSV's modification time
/// (editing the TSV re-embeds its images). Captions default to language `zh`; a caption's link
/// to an image the TSV lacks is kept (`SourceCatalog.danglingLinks` reports it).
public struct ChineseCLIPSource: DataSource {
    public var textsFile: URL
    public var imagesFile: URL
    public var language: String?

    public init(textsFile: URL, imagesFile: URL, language: String? = "zh") {
        self.textsFile = textsFile
        self.imagesFile = imagesFile
        self.language = language
    }

    public func catalog() throws -> SourceCatalog {
        let images = try ChineseCLIPImages(contentsOf: imagesFile)
        let modificationTime = try FileState(fileAt: imagesFile).modificationTime
        let items = images.entries.map { entry in
            SourceItem(key: entry.id, content: .base64Region(file: imagesFile, offset: entry.offset, length: entry.length),
                       fileState: FileState(size: Int64(entry.length), modificationTime: modificationTime))
        }
        let captions = try ChineseCLIPTexts(contentsOf: textsFile).texts.map { text in
            SourceCaption(key: text.id, text: text.text, language: language, itemKeys: text.imageIDs)
        }
        return SourceCatalog(items: items, captions: captions)
    }
}
