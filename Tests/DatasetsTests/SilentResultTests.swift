import FileSystem
import Foundation
import Testing
import TestSupport
@testable import Datasets

/// Issue 13, items 6 and 7 at the reader level: line ends and invisible lines in text lists,
/// tables without rows, and image paths confined to the dataset's folder.
@Suite struct SilentResultTests {
    @Test("lone CR, CRLF and LF all end lines; invisible-only lines are counted, not silently dropped")
    func textLines() throws {
        let data = Data("\u{FEFF}a cat\ra dog\r\n\u{200B}\u{200B}\n \t\na bird\n\u{2060}\u{FEFF}\rlast".utf8)
        let lines = try TextLines(data, source: "texts.txt")
        #expect(lines.lines == [.init(number: 1, text: "a cat"), .init(number: 2, text: "a dog"), .init(number: 5, text: "a bird"),
                                .init(number: 7, text: "last")])
        #expect(lines.blankLines == [3, 4, 6])
        #expect(TextLines.describe(lines.blankLines) == "lines 3, 4 and 6")
        #expect(try TextLines(Data("one\n".utf8), source: "x").blankLines.isEmpty)  // a final line end starts no line
        #expect(throws: DatasetError.malformed(path: "x", line: 2, reason: "byte 0xE9 at byte 4 of the line is not UTF-8; save the file as UTF-8")) {
            try TextLines(Data([0x61, 0x0D, 0x63, 0x61, 0x66, 0xE9]), source: "x")
        }
    }

    @Test("a caption table with a header and no rows is an error, not an empty success")
    func headerOnlyTable() throws {
        let folder = try TemporaryFolder()
        let url = try folder.write("image,caption\n", to: "captions.csv")
        #expect(throws: DatasetError.emptyDataset(path: url.path, reason: "the table has a header but no rows")) {
            try CaptionTable(contentsOf: url)
        }
        let empty = try folder.write("", to: "empty.csv")
        #expect(throws: DatasetError.self) { try CaptionTable(contentsOf: empty) }
    }

    @Test("image paths are confined to the dataset's folder unless allowed")
    func confinedPaths() {
        let root = URL(fileURLWithPath: "/data/set")
        func resolve(_ path: String, allowing: Bool = false) -> String? {
            try? DatasetImagePath.resolve(path, root: root, allowingOutsideRoot: allowing).get().escapedText
        }
        #expect(resolve("a/b.png") == "/data/set/a/b.png")
        #expect(resolve("a/../b.png") == "/data/set/a/../b.png")  // stays inside
        #expect(resolve("./c.png") == "/data/set/./c.png")
        #expect(resolve("/etc/passwd") == nil && resolve("../x.png") == nil && resolve("a/../../x.png") == nil)
        #expect(resolve("/etc/passwd", allowing: true) == "/etc/passwd" && resolve("../x.png", allowing: true) == "/data/set/../x.png")
        let refusal = DatasetImagePath.Refusal(written: "/etc/passwd", isAbsolute: true)
        #expect(refusal.description.contains("--allow-outside-root") && !refusal.description.contains("/etc/passwd"))
    }
}
