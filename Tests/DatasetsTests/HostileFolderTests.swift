import FileSystem
import Foundation
import Imaging
import Testing
import TestSupport
@testable import Datasets

/// Issue 13, items 2, 3, 4 and 8 (long paths): the folder walk on hostile trees. Each tree is
/// built in the test.
@Suite struct HostileFolderTests {
    func png(_ value: UInt8) throws -> Data {
        try PNGEncoder.encode([UInt8](repeating: value, count: 4 * 3), width: 4, height: 3, layout: .gray)
    }

    @Test("links back to a listed folder are listed once and reported; two of them do not explode the walk")
    func symbolicLinkLoops() throws {
        let folder = try TemporaryFolder()
        try folder.write(try png(1), to: "imgs/a.png")
        try folder.write(try png(2), to: "imgs/sub/b.png")
        // `ln -s . imgs/loop`, twice (2^40 paths before), and a link from a subfolder to its parent.
        for (link, target) in [("imgs/loop", "."), ("imgs/loop2", "."), ("imgs/sub/up", "..")] {
            try FileManager.default.createSymbolicLink(atPath: folder.file(link).path, withDestinationPath: target)
        }
        // Two links that point at each other (ELOOP) and one that points nowhere.
        try FileManager.default.createSymbolicLink(atPath: folder.file("imgs/x").path, withDestinationPath: "y")
        try FileManager.default.createSymbolicLink(atPath: folder.file("imgs/y").path, withDestinationPath: "x")
        try FileManager.default.createSymbolicLink(atPath: folder.file("imgs/gone.png").path, withDestinationPath: "nowhere.png")
        let start = Date()
        let listing = try ImageFolder(root: folder.file("imgs"))
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(listing.files == ["a.png", "gone.png", "sub/b.png"])  // the dangling link is listed; reading it says why
        #expect(Set(listing.problems.map(\.path)) == ["loop/", "loop2/", "sub/up/", "x", "y"])
        #expect(listing.problems.first { $0.path == "x" }?.reason.contains("too many levels of symbolic links") == true)
        // A link to a folder outside the tree is followed (once).
        let outside = try TemporaryFolder()
        try outside.write(try png(3), to: "c.png")
        try FileManager.default.createSymbolicLink(atPath: folder.file("imgs/more").path, withDestinationPath: outside.url.path)
        #expect(try ImageFolder(root: folder.file("imgs")).files == ["a.png", "gone.png", "more/c.png", "sub/b.png"])
    }

    @Test("a subfolder that cannot be listed is reported and the walk goes on; paths over PATH_MAX are reported")
    func unreadableAndOverlongFolders() throws {
        let folder = try TemporaryFolder()
        try folder.write(try png(1), to: "imgs/a.png")
        try folder.write(try png(2), to: "imgs/z/b.png")
        // A chain of folders whose full path passes 4096 bytes, built with *at() calls so that no
        // call sees the long path; an image at the bottom.
        let name = String(repeating: "d", count: 200)
        var descriptor = open(folder.file("imgs").path, O_RDONLY | O_DIRECTORY)
        #expect(descriptor >= 0)
        for _ in 0..<25 {
            #expect(mkdirat(descriptor, name, 0o755) == 0)
            let next = openat(descriptor, name, O_RDONLY | O_DIRECTORY)
            close(descriptor)
            descriptor = next
        }
        let image = openat(descriptor, "deep.png", O_WRONLY | O_CREAT, 0o644)
        close(image)
        close(descriptor)
        defer {
            // FileManager cannot remove paths over PATH_MAX; rm walks with *at() calls.
            let remove = Process()
            remove.executableURL = URL(fileURLWithPath: "/bin/rm")
            remove.arguments = ["-rf", folder.file("imgs").path]
            try? remove.run()
            remove.waitUntilExit()
        }
        var unreadable = ""
        if geteuid() != 0 {
            // Without root, a folder without permissions stands for `lost+found` (as root the command-line
            // test drops the capability that reads it anyway).
            try folder.write(try png(3), to: "imgs/lost+found/c.png")
            chmod(folder.file("imgs/lost+found").path, 0)
            unreadable = "lost+found/"
        }
        defer { chmod(folder.file("imgs/lost+found").path, 0o755) }
        let listing = try ImageFolder(root: folder.file("imgs"))
        #expect(listing.files.first == "a.png" && listing.files.last == "z/b.png")
        let overlong = try #require(listing.problems.first { $0.reason.contains("over the system's limit") })
        #expect(overlong.path.hasPrefix(name + "/") && overlong.reason.contains("4096 bytes for a path"))
        if !unreadable.isEmpty {
            #expect(listing.problems.contains { $0.path == unreadable && $0.reason.contains("permission denied") })
        }
        // The root itself must be readable.
        #expect(throws: DatasetError.unreadable(path: folder.file("imgs/a.png").path, reason: "it is a file, not a folder")) {
            try ImageFolder(root: folder.file("imgs/a.png"))
        }
    }

    @Test("names that are not UTF-8 are listed, keyed by their escaped text, and read back by their bytes")
    func namesThatAreNotUTF8() throws {
        let folder = try TemporaryFolder()
        try folder.write(try png(1), to: "imgs/a.png")
        let latin1 = FileSystemPath(bytes: Array("caf".utf8) + [0xE9] + Array(".png".utf8))
        let data = [UInt8](try png(9))
        let target = FileSystemPath(folder.file("imgs")).appending(latin1)
        try target.create(contents: data)
        let listing = try ImageFolder(root: folder.file("imgs"))
        #expect(listing.files == ["a.png", "caf\\xE9.png"])
        #expect(listing.relativePaths[1] == latin1 && listing.paths[1] == target)
        let image = try ImageDecoder().decode(contentsOf: listing.paths[1])
        #expect(image.width == 4 && image.pixels.allSatisfy { $0 == 9 })
        // Class folders carry the same keys and read the same bytes.
        try folder.write(try png(5), to: "classes/dog/d.png")
        let classFolder = FileSystemPath(folder.file("classes")).appending(FileSystemPath(bytes: [0x6B, 0xF6, 0x74]))  // "k\xF6t"
        try classFolder.create(folder: true)
        try classFolder.appending("k.png").create(contents: data)
        let classes = try ClassFolders(root: folder.file("classes"))
        #expect(classes.folderNames == ["dog", "k\\xF6t"])
        #expect(classes.images.map(\.path) == ["dog/d.png", "k\\xF6t/k.png"])
        let set = try classes.load(size: 2, channels: 1)
        #expect(set.pixels == [5, 5, 5, 5, 9, 9, 9, 9])
    }
}

extension FileSystemPath {
    /// Creates a file holding `contents` (or a folder) at this byte path, for trees whose names are not UTF-8.
    func create(contents: [UInt8] = [], folder: Bool = false) throws {
        struct CreationFailure: Error { let path: String }
        let result: Int32 = (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { name in
                if folder { return mkdir(name.baseAddress!, 0o755) }
                let descriptor = open(name.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                guard descriptor >= 0 else { return -1 }
                defer { close(descriptor) }
                return contents.withUnsafeBytes { write(descriptor, $0.baseAddress, contents.count) } == contents.count ? 0 : -1
            }
        }
        guard result == 0 else { throw CreationFailure(path: escapedText) }
    }
}
