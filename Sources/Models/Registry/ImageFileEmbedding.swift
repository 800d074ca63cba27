import Foundation
import Imaging
import Tensor

/// An image file that could not be embedded, and why.
public struct UnreadableImage: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }

    /// `reason` without a leading "`path`: " (decoder errors name the file themselves).
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason.hasPrefix(path + ": ") ? String(reason.dropFirst(path.count + 2)) : reason
    }
}

/// The embeddings of the readable files among a list, in list order.
public struct ImageFileEmbeddings: Sendable {
    /// `[embedded.count, dimension]`, L2-normalised rows.
    public let embeddings: Tensor
    /// The files each row belongs to.
    public let embedded: [URL]
    /// Files skipped: undecodable, unsupported, too large.
    public let unreadable: [UnreadableImage]
}

extension ImageTextModel {
    /// Decodes, preprocesses (with `identity.preprocessing`, on all cores) and embeds image files
    /// in batches of `batchSize`. A file that cannot be read is reported in `unreadable` and the
    /// rest carry on. `progress(done, total)` is called after each batch.
    public func embed(imageFiles: [URL], batchSize: Int = 32, decoder: ImageDecoder = ImageDecoder(),
                      progress: ((Int, Int) -> Void)? = nil) throws -> ImageFileEmbeddings {
        precondition(batchSize > 0, "batch size must be positive")
        guard let preprocessing = identity.preprocessing else {
            throw ModelError.invalidOption("\(identity.name) has no image tower")
        }
        var rows: [Tensor] = [], embedded: [URL] = [], unreadable: [UnreadableImage] = []
        for start in stride(from: 0, to: imageFiles.count, by: batchSize) {
            let batch = Array(imageFiles[start..<min(start + batchSize, imageFiles.count)])
            let prepared = preprocessing.prepare(count: batch.count) { try decoder.decode(contentsOf: batch[$0]) }
            var ready: [Tensor] = []
            for (url, result) in zip(batch, prepared) {
                switch result {
                case .success(let tensor):
                    ready.append(tensor)
                    embedded.append(url)
                case .failure(let error):
                    unreadable.append(UnreadableImage(path: url.path, reason: String(describing: error)))
                }
            }
            if !ready.isEmpty { rows.append(try embed(images: Tensor.stackingImages(ready))) }
            progress?(start + batch.count, imageFiles.count)
        }
        return ImageFileEmbeddings(embeddings: RowBatches.stacked(rows, dimension: identity.dimension), embedded: embedded,
                                   unreadable: unreadable)
    }

}
