import Foundation

/// The image file of Chinese-CLIP's retrieval data: TSV lines `image_id<TAB>base64 of the encoded
/// image`, written with Python's `base64.urlsafe_b64encode` (so `-` and `_` stand for `+` and `/`;
/// the standard alphabet is read too, as `urlsafe_b64decode` reads it). Listing records where
/// each image's text is (the file can be gigabytes); `imageData` decodes one image.
///
/// Read strictly: every non-blank line has a tab after a non-empty id, ids are unique, the
/// base64 text is non-empty, uses only the two alphabets' characters, is padded with `=` to a
/// multiple of 4 characters.
public struct ChineseCLIPImages: Sendable, Equatable {
    /// One image: its id and where its base64 text is in the file.
    public struct Entry: Sendable, Equatable {
        public var line: Int
        public var id: String
        /// Byte offset and length of the base64 text.
        public var offset: Int
        public var length: Int

        public init(line: Int, id: String, offset: Int, length: Int) {
            self.line = line
            self.id = id
            self.offset = offset
            self.length = length
        }
    }

    public let file: URL
    public let entries: [Entry]

    public init(contentsOf url: URL) throws {
        let data = try DatasetFile.data(of: url, options: .alwaysMapped)
        let path = url.path
        file = url
        entries = try data.withUnsafeBytes { bytes in
            var entries: [Entry] = [], firstLine: [String: Int] = [:]
            for (number, range) in DatasetFile.lines(in: bytes, from: DatasetFile.byteOrderMarkLength(bytes)) where !range.isEmpty {
                guard let tab = range.first(where: { bytes[$0] == UInt8(ascii: "\t") }) else {
                    throw DatasetError.malformed(path: path, line: number, reason: "expected image_id<TAB>base64, found no tab")
                }
                let id = try DatasetFile.text(UnsafeRawBufferPointer(rebasing: bytes[range.lowerBound..<tab]), path: path, line: number)
                guard !id.isEmpty else { throw DatasetError.malformed(path: path, line: number, reason: "the image id is empty") }
                if let first = firstLine.updateValue(number, forKey: id) {
                    throw DatasetError.malformed(path: path, line: number, reason: "image id \(id) repeats the one on line \(first)")
                }
                let text = (tab + 1)..<range.upperBound
                if let problem = Self.base64Problem(UnsafeRawBufferPointer(rebasing: bytes[text])) {
                    throw DatasetError.malformed(path: path, line: number, reason: "the image of id \(id) is not base64: \(problem)")
                }
                entries.append(Entry(line: number, id: id, offset: text.lowerBound, length: text.count))
            }
            return entries
        }
    }

    /// The encoded image whose base64 text is at `offset..<offset + length` of `file`.
    public static func imageData(file: URL, offset: Int, length: Int) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw DatasetError.unreadable(path: file.path, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        let text: Data
        do {
            try handle.seek(toOffset: UInt64(offset))
            text = try handle.read(upToCount: length) ?? Data()
        } catch {
            throw DatasetError.unreadable(path: file.path, reason: error.localizedDescription)
        }
        let record = "the image at byte \(offset)"
        guard text.count == length else {
            throw DatasetError.malformedRecord(path: file.path, record: record,
                                               reason: "ends after \(text.count) of \(length) characters (the file changed since it was listed)")
        }
        let problem = text.withUnsafeBytes { base64Problem($0) }
        let standard = Data(text.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "+") : $0 == UInt8(ascii: "_") ? UInt8(ascii: "/") : $0 })
        guard problem == nil, let decoded = Data(base64Encoded: standard) else {
            throw DatasetError.malformedRecord(path: file.path, record: record, reason: "is not base64: \(problem ?? "it does not decode")")
        }
        return decoded
    }

    /// What is wrong with `text` as padded base64 in either alphabet, or nil.
    static func base64Problem(_ text: UnsafeRawBufferPointer) -> String? {
        guard !text.isEmpty else { return "the text is empty" }
        guard text.count % 4 == 0 else { return "its length \(text.count) is not a multiple of 4" }
        let padding = text.reversed().prefix(2).prefix { $0 == UInt8(ascii: "=") }.count
        for (position, byte) in text.enumerated() {
            let isPadding = position >= text.count - padding
            let valid = isPadding || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            if !valid { return String(format: "character %d (0x%02X) is outside the base64 alphabets", position + 1, byte) }
        }
        return nil
    }
}
