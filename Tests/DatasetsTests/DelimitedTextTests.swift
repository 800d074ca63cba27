import Foundation
import Testing
import TestSupport
@testable import Datasets

/// CSV/TSV splitting (RFC 4180 quoting, byte-order mark, CRLF), checked against Python's csv
/// module where both read a file, and the stricter errors where CLIPKit refuses one.
@Suite struct DelimitedTextTests {
    struct Case: Decodable {
        var name: String
        var delimiter: String
        var input: String
        var rows: [[String]]
    }

    func records(_ text: String, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [DelimitedText.Record] {
        try records(Data(text.utf8), delimiter: delimiter)
    }

    func records(_ bytes: Data, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [DelimitedText.Record] {
        try bytes.withUnsafeBytes { try DelimitedText(delimiter: delimiter).records(in: $0, path: "t.csv") }
    }

    @Test func agreesWithPythonsCSVModule() throws {
        struct File: Decodable { var cases: [Case] }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: TestPaths.fixture("datasets", "csv_cases.json")))
        #expect(file.cases.count == 10)
        for testCase in file.cases {
            let parsed = try records(Data(base64Encoded: testCase.input)!, delimiter: testCase.delimiter.utf8.first!)
            #expect(parsed.map(\.fields) == testCase.rows, "\(testCase.name)")
        }
    }

    @Test func recordsKnowTheLineTheyStartOn() throws {
        let parsed = try records("\u{FEFF}a,b\r\n\r\n1,\"two\nlines\"\r\n3,4\r5,6")
        #expect(parsed == [
            .init(line: 1, fields: ["a", "b"]), .init(line: 3, fields: ["1", "two\nlines"]),
            .init(line: 5, fields: ["3", "4"]), .init(line: 6, fields: ["5", "6"]),
        ])
        #expect(try records("").isEmpty && records("\u{FEFF}").isEmpty && records("\n\r\n").isEmpty)
    }

    @Test func badInputGivesExactErrors() throws {
        #expect(throws: DatasetError.malformed(path: "t.csv", line: 2, reason: "a quoted field is never closed (the file ends inside it)")) {
            try records("a,b\n1,\"open\nstill open")
        }
        #expect(throws: DatasetError.malformed(path: "t.csv", line: 3,
                                               reason: "unexpected text after a closing quote (write a quote inside a quoted field as \"\")")) {
            try records("a,b\n1,\"x\ny\"z\n")
        }
        var latin1 = Data("a,b\n1,caf".utf8)
        latin1.append(0xE9)  // "é" in Latin-1
        latin1.append(contentsOf: Array(",x\n".utf8))
        #expect(throws: DatasetError.malformed(path: "t.csv", line: 2, reason: "byte 0xE9 is not UTF-8; save the file as UTF-8")) {
            try records(latin1)
        }
    }

    @Test func tablesCheckRowLengthsAndColumns() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("id,caption,id\n1,a,2\n", to: "table.csv")
        let table = try DelimitedTable(contentsOf: file, expectedColumns: ["caption"])
        #expect(table.header == ["id", "caption", "id"] && table.rows == [.init(line: 2, fields: ["1", "a", "2"])])
        #expect(try table.column("caption") == 1)
        #expect(throws: DatasetError.missingColumn(path: file.path, column: "image", available: ["id", "caption", "id"])) {
            try table.column("image")
        }
        #expect(throws: DatasetError.malformed(path: file.path, line: 1, reason: "the header names the column \"id\" 2 times")) {
            try table.column("id")
        }
        let ragged = try folder.write("a\tb\nx\ty\nz\n", to: "ragged.tsv")
        #expect(throws: DatasetError.malformed(path: ragged.path, line: 3, reason: "1 fields but the header has 2")) {
            try DelimitedTable(contentsOf: ragged, expectedColumns: ["a"])
        }
        let empty = try folder.write("\u{FEFF}", to: "empty.csv")
        #expect(throws: DatasetError.malformed(path: empty.path, line: 1,
                                               reason: "the file is empty; expected a header row naming the columns image, caption")) {
            try DelimitedTable(contentsOf: empty, expectedColumns: ["image", "caption"])
        }
        #expect(throws: DatasetError.unreadable(path: folder.file("absent.csv").path, reason: "no such file")) {
            try DelimitedTable(contentsOf: folder.file("absent.csv"), expectedColumns: [])
        }
    }

    @Test func captionTablesReadImagesCaptionsIDsAndLanguages() throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("\u{FEFF}id,caption,image,lang\r\nt1,\"A dog, running\",imgs/a.png,en\r\nt2,\"She said \"\"hi\"\"\r\non two lines\",/abs/b.png,fr\r\n",
                                   to: "captions.csv")
        let table = try CaptionTable(contentsOf: csv, captionIDColumn: "id", languageColumn: "lang")
        #expect(table.rows == [
            .init(line: 2, image: "imgs/a.png", caption: "A dog, running", captionID: "t1", language: "en"),
            .init(line: 3, image: "/abs/b.png", caption: "She said \"hi\"\r\non two lines", captionID: "t2", language: "fr"),
        ])
        let tsv = try folder.write("filepath\ttitle\nx.jpg\tone, two\n", to: "pairs.tsv")
        #expect(try CaptionTable(contentsOf: tsv, imageColumn: "filepath", captionColumn: "title").rows
                == [.init(line: 2, image: "x.jpg", caption: "one, two")])
        let semicolons = try folder.write("image;caption\nx.jpg;a, b\n", to: "pairs.txt")
        #expect(try CaptionTable(contentsOf: semicolons, delimiter: UInt8(ascii: ";")).rows.map(\.caption) == ["a, b"])
        let emptyImage = try folder.write("image,caption\n,orphan caption\n", to: "empty-image.csv")
        #expect(throws: DatasetError.malformed(path: emptyImage.path, line: 2, reason: "the image field is empty")) {
            try CaptionTable(contentsOf: emptyImage)
        }
        #expect(throws: DatasetError.missingColumn(path: tsv.path, column: "image", available: ["filepath", "title"])) {
            try CaptionTable(contentsOf: tsv)
        }
    }
}
