import Foundation

/// Chinese-CLIP's retrieval data layout (MUGE, Flickr30K-CN, COCO-CN):
/// - `texts`: JSON Lines, `{"text_id": 8428, "text": "…", "image_ids": [1076345, 517602]}`;
/// - `images`: TSV lines `image_id<TAB>base64 of the encoded image`.
/// Items are keyed by image id; their bytes stay in the TSV and are decoded when indexed. Their
/// incremental state is the base64 length and the TSV's modification time (editing the TSV
/// re-embeds its images). Captions default to language `zh`.
public struct ChineseCLIPSource: DataSource {
    public var textsFile: URL
    public var imagesFile: URL
    public var language: String?

    public init(textsFile: URL, imagesFile: URL, language: String? = "zh") {
        self.textsFile = textsFile
        self.imagesFile = imagesFile
        self.language = language
    }

    struct TextLine: Decodable {
        var text_id: FlexibleID
        var text: String
        var image_ids: [FlexibleID]?
    }

    /// An id written as a JSON number or string.
    struct FlexibleID: Decodable {
        var value: String
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int64.self) { value = String(number) } else { value = try container.decode(String.self) }
        }
    }

    public func catalog() throws -> SourceCatalog {
        SourceCatalog(items: try images(), captions: try captions())
    }

    func captions() throws -> [SourceCaption] {
        let data: Data
        do { data = try Data(contentsOf: textsFile) } catch {
            throw DataSourceError.unreadable(path: textsFile.path, reason: error.localizedDescription)
        }
        var captions: [SourceCaption] = []
        let decoder = JSONDecoder()
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            do {
                let text = try decoder.decode(TextLine.self, from: Data(line))
                captions.append(SourceCaption(key: text.text_id.value, text: text.text, language: language,
                                              itemKeys: (text.image_ids ?? []).map(\.value)))
            } catch let error as DecodingError {
                throw DataSourceError.malformed(path: textsFile.path, line: number + 1,
                                                reason: "expected {\"text_id\", \"text\", \"image_ids\"}: \(COCOCaptionsSource.describe(error))")
            }
        }
        return captions
    }

    func images() throws -> [SourceItem] {
        let data: Data
        do { data = try Data(contentsOf: imagesFile, options: .alwaysMapped) } catch {
            throw DataSourceError.unreadable(path: imagesFile.path, reason: error.localizedDescription)
        }
        let modificationTime = try FileState(fileAt: imagesFile).modificationTime
        var items: [SourceItem] = [], seen = Set<String>()
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var lineStart = 0, lineNumber = 1
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                var contentEnd = lineEnd
                if contentEnd > lineStart && bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
                if contentEnd > lineStart {
                    guard let tab = (lineStart..<contentEnd).first(where: { bytes[$0] == UInt8(ascii: "\t") }) else {
                        throw DataSourceError.malformed(path: imagesFile.path, line: lineNumber,
                                                        reason: "expected image_id<TAB>base64, found no tab")
                    }
                    let key = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<tab]), as: UTF8.self)
                    guard !key.isEmpty, seen.insert(key).inserted else {
                        throw DataSourceError.malformed(path: imagesFile.path, line: lineNumber,
                                                        reason: key.isEmpty ? "the image id is empty" : "image id \(key) appears twice")
                    }
                    let length = contentEnd - tab - 1
                    items.append(SourceItem(key: key, content: .base64Region(file: imagesFile, offset: tab + 1, length: length),
                                            fileState: FileState(size: Int64(length), modificationTime: modificationTime)))
                }
                lineStart = lineEnd + 1
                lineNumber += 1
            }
        }
        return items
    }
}
