import FileSystem
import Foundation
import Imaging

/// Photos of people, one folder per person, `root/<person>/<photo>` (the AT&T Database of Faces,
/// formerly ORL: `s1/1.pgm` … `s40/10.pgm`, 40 people × 10 photos; Samaria & Harter 1994). People
/// and photos follow numeric-aware order (`s2` before `s10`, `2.png` before `10.png`), so a
/// person's position is its identity label and a prefix of the people is the conventional
/// training split (ORL: s1–s27 train, s28–s40 held out). Photos are the image files directly in
/// a person's folder; files beside the folders (a README) are ignored; every person needs a photo.
public struct PersonFolders: Sendable, Equatable {
    /// One person: the folder name and the photos' paths relative to `root`.
    public struct Person: Sendable, Equatable {
        public var name: String
        public var photos: [String]

        public init(name: String, photos: [String]) {
            self.name = name
            self.photos = photos
        }
    }

    public let root: URL
    public let people: [Person]

    public init(root: URL, extensions: Set<String> = ImageFormat.decodableFileExtensions) throws {
        let rootPath = FileSystemPath(root)
        let names = try ImageFolder.visibleSubfolders(of: rootPath).map(\.escapedText)
        people = try names.sorted(by: Self.numericOrder).map { name in
            let folder = root.appendingPathComponent(name, isDirectory: true)
            let photos = try ImageFolder(rootPath: rootPath.appending(FileSystemPath(escapedText: name)), recursive: false,
                                         extensions: extensions).files.sorted(by: Self.numericOrder)
            guard !photos.isEmpty else {
                throw DatasetError.emptyDataset(path: folder.path, reason: "the person's folder holds no image file")
            }
            return Person(name: name, photos: photos.map { name + "/" + $0 })
        }
        guard !people.isEmpty else { throw DatasetError.emptyDataset(path: root.path, reason: "there is no person folder") }
        self.root = root
    }

    /// The photos of `people[range]` with their people's positions as labels, as class folders
    /// (`ClassFolders.Image`, class names the folder names) for training or evaluation.
    public func images(of range: Range<Int>) -> (images: [ClassFolders.Image], classNames: [String]) {
        let chosen = Array(people[range])
        let images = chosen.enumerated().flatMap { label, person in person.photos.map { ClassFolders.Image(path: $0, label: label) } }
        return (images, chosen.map(\.name))
    }

    /// Decodes the photos of `people[range]` once into memory, labelled 0..<range.count.
    public func load(_ range: Range<Int>, size: Int, channels: Int, filter: ResamplingFilter = .bilinear,
                     decoder: ImageDecoder = ImageDecoder()) throws -> LabeledImageSet {
        let (images, classNames) = images(of: range)
        return try LabeledImageSet(decoding: images.map { FileSystemPath(root).appending(FileSystemPath(escapedText: $0.path)) }, labels: images.map(\.label),
                                   classNames: classNames, size: size, channels: channels, filter: filter, decoder: decoder)
    }

    /// `s2` before `s10`: digit runs compare by value.
    static func numericOrder(_ first: String, _ second: String) -> Bool {
        switch first.compare(second, options: [.numeric]) {
        case .orderedAscending: return true
        case .orderedDescending: return false
        case .orderedSame: return first < second
        }
    }
}
