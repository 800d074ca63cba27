import Imaging

/// Any labelled image set a classifier can be evaluated on, image by image: Fashion-MNIST in
/// memory (`LabeledImageSet`) or class folders on disk (`ClassFolders`, CIFAR-10 and ImageNet-val
/// style). Reading an image may fail (a damaged file); the caller decides what to do with it.
public protocol LabeledImageSource: Sendable {
    /// Number of images.
    var count: Int { get }
    /// The name of each class, in label order.
    var classNames: [String] { get }
    /// The class of image `index`.
    func label(at index: Int) -> Int
    /// Image `index` decoded to 8-bit RGB.
    func image(at index: Int) throws -> RGBImage
    /// Where image `index` comes from, for messages (a path, or the set and index).
    func source(of index: Int) -> String
}

extension LabeledImageSet: LabeledImageSource {
    public func label(at index: Int) -> Int { labels[index] }
    public func image(at index: Int) throws -> RGBImage { rgbImage(at: index) }
    public func source(of index: Int) -> String { "image \(index)" }
}

extension ClassFolders: LabeledImageSource {
    public var count: Int { images.count }
    public func label(at index: Int) -> Int { images[index].label }
    public func image(at index: Int) throws -> RGBImage { try ImageDecoder().decode(contentsOf: url(of: images[index])) }
    public func source(of index: Int) -> String { url(of: images[index]).path }
}
