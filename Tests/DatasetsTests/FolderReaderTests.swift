import Foundation
import Imaging
import Testing
import TestSupport
@testable import Datasets

/// Image folders, class folders (with names files) and person folders.
@Suite struct FolderReaderTests {
    /// A grey `width`×`height` PNG whose every sample is `value`.
    func png(_ value: UInt8, width: Int = 4, height: Int = 3) throws -> Data {
        try PNGEncoder.encode([UInt8](repeating: value, count: width * height), width: width, height: height, layout: .gray)
    }

    @Test func oneImageExtensionListForTheProject() {
        #expect(ImageFormat.decodableFileExtensions == ["jpg", "jpeg", "png", "webp", "pgm"])
    }

    @Test func imageFoldersListRecursivelyInSortedOrder() throws {
        let folder = try TemporaryFolder()
        for path in ["b.png", "a.JPG", "sub/c.webp", "sub/deeper/d.jpeg", "faces/e.pgm", ".hidden.png", "notes.txt", ".cache/e.png"] {
            try folder.write("x", to: path)
        }
        let listing = try ImageFolder(root: folder.url)
        #expect(listing.files == ["a.JPG", "b.png", "faces/e.pgm", "sub/c.webp", "sub/deeper/d.jpeg"])
        #expect(listing.urls.first == folder.file("a.JPG"))
        #expect(try ImageFolder(root: folder.url, recursive: false).files == ["a.JPG", "b.png"])
        #expect(try ImageFolder(root: folder.url, extensions: ["txt"]).files == ["notes.txt"])
        #expect(throws: DatasetError.unreadable(path: folder.file("missing").path, reason: "no such folder")) {
            try ImageFolder(root: folder.file("missing"))
        }
        #expect(throws: DatasetError.unreadable(path: folder.file("b.png").path, reason: "it is a file, not a folder")) {
            try ImageFolder(root: folder.file("b.png"))
        }
    }

    @Test func classFoldersFollowTorchvisionsImageFolder() throws {
        let folder = try TemporaryFolder()
        for (path, value) in [("dog/x/3.png", 30), ("cat/2.png", 20), ("cat/1.png", 10), ("bird/.hidden.png", 0)] as [(String, UInt8)] {
            try folder.write(try png(value), to: path)
        }
        try folder.write("read me", to: "README.md")
        try folder.write(try png(99), to: "loose.png")
        let folders = try ClassFolders(root: folder.url)
        // "bird" holds no image but is still class 0, as in torchvision.
        #expect(folders.folderNames == ["bird", "cat", "dog"] && folders.classNames == folders.folderNames)
        #expect(folders.images == [.init(path: "cat/1.png", label: 1), .init(path: "cat/2.png", label: 1), .init(path: "dog/x/3.png", label: 2)])

        let set = try folders.load(size: 2, channels: 1)
        #expect(set.count == 3 && set.height == 2 && set.channels == 1)
        #expect(set.pixels == [10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30])
        #expect(set.labels == [1, 1, 2] && set.classNames == ["bird", "cat", "dog"])
        let rgb = try folders.load(size: 1, channels: 3)
        #expect(rgb.pixels == [10, 10, 10, 20, 20, 20, 30, 30, 30])

        let empty = try TemporaryFolder()
        try empty.write("x", to: "a/notes.txt")
        #expect(throws: DatasetError.emptyDataset(path: empty.url.path,
                                                  reason: "no class folder holds an image file (.jpeg, .jpg, .pgm, .png, .webp)")) {
            try ClassFolders(root: empty.url)
        }
    }

    @Test func classNamesComeFromANamesFile() throws {
        let folder = try TemporaryFolder()
        for path in ["n02/a.png", "n01/b.png", "n03/c.png"] { try folder.write(try png(1), to: "images/" + path) }
        let images = folder.file("images")
        let list = try folder.write("\u{FEFF}tench\r\ngoldfish\r\n great white shark \r\n\r\n", to: "names.txt")
        #expect(try ClassFolders(root: images, classNamesFile: list).classNames == ["tench", "goldfish", "great white shark"])
        let mapping = try folder.write("n03\tshark\nn01\ttench\nn02\tgoldfish\n", to: "mapping.tsv")
        #expect(try ClassFolders(root: images, classNamesFile: mapping).classNames == ["tench", "goldfish", "shark"])

        func failure(_ text: String) -> DatasetError? {
            let url = try! folder.write(text, to: "bad.txt")
            return #expect(throws: DatasetError.self) { try ClassFolders(root: images, classNamesFile: url) }
        }
        let path = folder.file("bad.txt").path
        #expect(failure("tench\ngoldfish\n") == .malformed(path: path, line: 3, reason: "the file names 2 classes but there are 3 class folders"))
        #expect(failure("n01\ttench\ngoldfish\n") == .malformed(path: path, line: 2, reason: "mixes lines with and without a folder<TAB> prefix"))
        #expect(failure("n01\ttench\nn09\tcarp\n") == .malformed(path: path, line: 2, reason: "there is no class folder \"n09\""))
        #expect(failure("n01\ttench\nn01\tcarp\n") == .malformed(path: path, line: 2, reason: "the folder \"n01\" is named twice"))
        #expect(failure("n01\ttench\nn02\tgoldfish\n") == .malformed(path: path, line: 3, reason: "the class folder \"n03\" has no name here"))
        #expect(failure("n01\t \n") == .malformed(path: path, line: 1, reason: "expected a class name or folder<TAB>name"))
    }

    @Test func personFoldersUseNumericOrder() throws {
        let folder = try TemporaryFolder()
        for person in [1, 2, 10] {
            for photo in [1, 2, 10] { try folder.write(try png(UInt8(person * 10 + photo)), to: "s\(person)/\(photo).png") }
        }
        try folder.write("credit", to: "README.md")
        let people = try PersonFolders(root: folder.url)
        #expect(people.people.map(\.name) == ["s1", "s2", "s10"])
        #expect(people.people[2].photos == ["s10/1.png", "s10/2.png", "s10/10.png"])
        let (images, names) = people.images(of: 1..<3)
        #expect(names == ["s2", "s10"] && images.map(\.label) == [0, 0, 0, 1, 1, 1])
        let held = try people.load(1..<2, size: 1, channels: 1)
        #expect(held.pixels == [21, 22, 30] && held.classNames == ["s2"])

        try FileManager.default.createDirectory(at: folder.file("s3"), withIntermediateDirectories: true)
        #expect(throws: DatasetError.emptyDataset(path: folder.file("s3").path, reason: "the person's folder holds no image file")) {
            try PersonFolders(root: folder.url)
        }
        let none = try TemporaryFolder()
        #expect(throws: DatasetError.emptyDataset(path: none.url.path, reason: "there is no person folder")) { try PersonFolders(root: none.url) }
    }

    static let orlFaces = TestPaths.orlFaces

    @Test func readsTheCommittedORLFaces() throws {
        let faces = try PersonFolders(root: Self.orlFaces)
        #expect(faces.people.count == 40 && faces.people.allSatisfy { $0.photos.count == 10 })
        #expect(faces.people.first?.name == "s1" && faces.people.last?.name == "s40")
        #expect(faces.people[0].photos.last == "s1/10.png")
        // The conventional split: s1–s27 train, s28–s40 held out.
        let heldOut = try faces.load(27..<40, size: 28, channels: 1)
        #expect(heldOut.count == 130 && heldOut.classNames.first == "s28")
        let first = try ImageDecoder().decode(contentsOf: Self.orlFaces.appendingPathComponent("s1/1.png"))
        #expect(first.width == 92 && first.height == 112)
    }
}
