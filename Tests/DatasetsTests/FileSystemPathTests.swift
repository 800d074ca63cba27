import FileSystem
import Foundation
import Testing
import TestSupport

/// Issue 13, item 4: byte paths and their reversible text form.
@Suite struct FileSystemPathTests {
    @Test("escaped text round-trips every byte string and leaves UTF-8 names unchanged")
    func escapingRoundTrips() {
        #expect(FileSystemPath("photos/café 1.png").escapedText == "photos/café 1.png")
        #expect(FileSystemPath("a\\b.png").escapedText == "a\\b.png")  // a backslash alone needs no escape
        let latin1 = FileSystemPath(bytes: Array("caf".utf8) + [0xE9] + Array(".png".utf8))
        #expect(latin1.escapedText == "caf\\xE9.png")
        #expect(FileSystemPath(escapedText: "caf\\xE9.png") == latin1)
        #expect(FileSystemPath(escapedText: "caf\\xe9.png") == latin1)  // either case of hex digit reads back
        // A literal backslash-x-hex sequence is escaped so it cannot be mistaken for one.
        let lookalike = FileSystemPath("a\\x41.png")
        #expect(lookalike.escapedText == "a\\x5Cx41.png")
        #expect(FileSystemPath(escapedText: lookalike.escapedText) == lookalike)
        // Overlong forms, surrogates, lone continuation bytes and truncated sequences are escaped byte by byte.
        for bytes: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xFF, 0x5C, 0x78, 0x34, 0x31]] {
            let path = FileSystemPath(bytes: bytes)
            #expect(FileSystemPath(escapedText: path.escapedText) == path, "\(bytes)")
            #expect(path.escapedText.utf8.allSatisfy { $0 < 0x80 }, "\(bytes) → \(path.escapedText)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...24, using: &generator)).map { _ in
                // Mostly the bytes that matter: backslash, x, hex digits, UTF-8 leads and continuations.
                [0x5C, 0x78, 0x41, 0x66, 0x30, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0xFF, 0x2F].randomElement(using: &generator)!
                    as UInt8
            }
            let path = FileSystemPath(bytes: bytes)
            #expect(FileSystemPath(escapedText: path.escapedText) == path, "\(bytes)")
            if let text = String(validating: bytes, as: UTF8.self), !text.contains("\\x") { #expect(path.escapedText == text) }
        }
    }

    @Test("components, extension, hidden names and parent paths work on bytes")
    func pathParts() {
        let path = FileSystemPath(bytes: Array("/data/ph".utf8) + [0xF6] + Array("to/IMG.JPG".utf8))
        #expect(path.lastComponent == FileSystemPath("IMG.JPG") && path.lowercasedExtension == "jpg")
        #expect(path.parent.escapedText == "/data/ph\\xF6to")
        #expect(path.components.count == 3 && path.isAbsolute)
        #expect(FileSystemPath(".hidden.png").isHidden && FileSystemPath(".hidden").lowercasedExtension == "")
        #expect(FileSystemPath("a/../b.png").climbsToParent && !FileSystemPath("a/..b.png").climbsToParent)
        #expect(FileSystemPath("a").appending(FileSystemPath("/b")) == FileSystemPath("/b"))
        #expect(FileSystemPath("a/").appending("b") == FileSystemPath("a/b"))
    }

    @Test("a file whose name is not UTF-8 can be examined and read; special files are refused by kind")
    func readsByBytes() throws {
        let folder = try TemporaryFolder()
        let path = FileSystemPath(folder.url).appending(FileSystemPath(bytes: [0x6E, 0xE4, 0x6D, 0x65]))  // "n\xE4me"
        try path.create(contents: [7, 7, 7, 7, 7])
        #expect(try path.contents() == [7, 7, 7, 7, 7])
        #expect(try path.status().size == 5 && path.status().kind == .regularFile)
        #expect(try FileSystemPath(folder.url).folderEntries() == [FileSystemPath(bytes: [0x6E, 0xE4, 0x6D, 0x65])])
        #expect(throws: FileSystemError.tooLarge(path: path, size: 5, limit: 4)) { try path.contents(maximumSize: 4) }
        // Foundation cannot name it: its String path has U+FFFD where the byte was.
        #expect(!FileManager.default.fileExists(atPath: String(decoding: path.bytes, as: UTF8.self)))

        #expect(throws: FileSystemError.notARegularFile(path: FileSystemPath("/dev/zero"), kind: .characterDevice)) {
            try FileSystemPath("/dev/zero").contents()
        }
        let fifo = FileSystemPath(folder.file("pipe.png"))
        #expect(mkfifo(folder.file("pipe.png").path, 0o644) == 0)
        // Refused at once, without waiting for a writer, with what it is.
        let error = try #require(throws: FileSystemError.self) { try fifo.contents() }
        #expect(error == .notARegularFile(path: fifo, kind: .fifo))
        #expect(error.description.hasSuffix("pipe.png: it is a FIFO (named pipe), not a regular file"))
        #expect(throws: FileSystemError.notARegularFile(path: FileSystemPath(folder.url), kind: .directory)) {
            try FileSystemPath(folder.url).contents()
        }
    }
}
