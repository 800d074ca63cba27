import Datasets
import Foundation
import Imaging
import Tensor

/// Photos of people with their synthesised captions, in memory: the people of a half-open range
/// of person-folder positions, every photo squashed to `size`², scaled to [−1, 1] as
/// `[count, channels, size, size]`, with its person (0-based within the range), its path and the
/// captions `FaceCaptions` makes from its row of the attribute table.
public struct CaptionedFaces {
    public let pixels: Tensor
    public let paths: [String]
    public let people: [Int]
    public let personNames: [String]
    /// Captions of each photo (indices into `captionTexts`).
    public let captions: [[Int]]
    /// Every distinct caption, in first-seen order.
    public let captionTexts: [String]
    /// The photos of each person (indices into the photos).
    public let photosOfPerson: [[Int]]
    /// The decoded photos at their original size (for image encoders with their own preprocessing).
    public let originals: [RGBImage]

    public init(folders: PersonFolders, attributes: FaceAttributeTable, people range: Range<Int>, size: Int, channels: Int) throws {
        guard range.lowerBound >= 0, range.upperBound <= folders.people.count, !range.isEmpty else {
            throw GenerationError.invalidRequest("people \(range) are outside the \(folders.people.count) person folders")
        }
        let set = try folders.load(range, size: size, channels: channels, filter: .bicubic)
        let decoder = ImageDecoder()
        let (images, names) = folders.images(of: range)
        var captionIndex: [String: Int] = [:], texts: [String] = [], captions: [[Int]] = []
        for image in images {
            guard let row = attributes.attributes(photoPath: image.path) else {
                throw GenerationError.invalidRequest("the attribute table has no row for \(image.path)")
            }
            captions.append(FaceCaptions.captions(for: row).map { caption in
                if let index = captionIndex[caption] { return index }
                captionIndex[caption] = texts.count
                texts.append(caption)
                return texts.count - 1
            })
        }
        pixels = Tensor(shape: [set.count, set.channels, set.height, set.width]) { buffer in
            for index in buffer.indices { buffer[index] = Float(set.pixels[index]) / 127.5 - 1 }
        }
        paths = images.map(\.path)
        self.people = set.labels
        personNames = names
        self.captions = captions
        captionTexts = texts
        photosOfPerson = names.indices.map { person in set.labels.indices.filter { set.labels[$0] == person } }
        originals = try images.map { try decoder.decode(contentsOf: folders.root.appendingPathComponent($0.path)) }
    }

    public var count: Int { paths.count }
}
