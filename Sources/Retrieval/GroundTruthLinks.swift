/// Which captions describe which images, as row indices into an image matrix and a caption
/// matrix: the relevant sets of retrieval evaluation (a query counts as a hit when any of its
/// relevant rows is in the top K).
public struct GroundTruthLinks: Sendable, Equatable {
    /// For each caption row, the image rows it describes (text→image queries).
    public var imagesOfCaption: [[Int]]
    /// For each image row, the caption rows that describe it (image→text queries).
    public var captionsOfImage: [[Int]]

    public init(imagesOfCaption: [[Int]], imageCount: Int) {
        self.imagesOfCaption = imagesOfCaption
        var inverse = Array(repeating: [Int](), count: imageCount)
        for (caption, images) in imagesOfCaption.enumerated() {
            for image in images { inverse[image].append(caption) }
        }
        captionsOfImage = inverse
    }

    /// Links by key; links to keys outside `imageKeys` are dropped (images that failed to index).
    public init(imageKeys: [String], captionKeys: [String], itemKeysByCaption: [String: [String]]) {
        let imageRows = Dictionary(imageKeys.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let links = captionKeys.map { key in
            Array(Set((itemKeysByCaption[key] ?? []).compactMap { imageRows[$0] })).sorted()
        }
        self.init(imagesOfCaption: links, imageCount: imageKeys.count)
    }

    /// Caption rows without any indexed image (they cannot be evaluated).
    public var captionsWithoutImages: [Int] { imagesOfCaption.indices.filter { imagesOfCaption[$0].isEmpty } }
    /// Image rows without any caption.
    public var imagesWithoutCaptions: [Int] { captionsOfImage.indices.filter { captionsOfImage[$0].isEmpty } }
}
