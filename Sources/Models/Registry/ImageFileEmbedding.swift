import FileSystem
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
    /// The files each row belongs to, as bytes.
    public let embeddedPaths: [FileSystemPath]
    /// Files skipped: undecodable, unsupported, too large, too thin to resize, or embedded as NaN
    /// or zero by the model (`EmbeddingRowCheck`).
    public let unreadable: [UnreadableImage]

    /// The files each row belongs to, as URLs (a name that is not UTF-8 appears as its escaped text).
    public var embedded: [URL] { embeddedPaths.map { $0.url ?? URL(fileURLWithPath: $0.escapedText) } }
}

extension ImageTextModel {
    /// Decodes, preprocesses (with `identity.preprocessing`, on all cores) and embeds image files
    /// in batches of `batchSize`. A file that cannot be read is reported in `unreadable` and the
    /// rest carry on. `progress(done, total)` is called after each batch.
    public func embed(imageFiles: [URL], batchSize: Int = 32, decoder: ImageDecoder = ImageDecoder(),
                      progress: ((Int, Int) -> Void)? = nil) throws -> ImageFileEmbeddings {
        try embed(imageFiles: imageFiles.map(FileSystemPath.init), batchSize: batchSize, decoder: decoder, progress: progress)
    }

    /// Embeds the image files at byte paths (names that are not UTF-8 included), as
    /// `embed(imageFiles:batchSize:decoder:progress:)` does for URLs. A row the model returns as NaN,
    /// infinite or zero is reported in `unreadable` with `EmbeddingRowCheck`'s reason, not kept.
    public func embed(imageFiles: [FileSystemPath], batchSize: Int = 32, decoder: ImageDecoder = ImageDecoder(),
                      progress: ((Int, Int) -> Void)? = nil) throws -> ImageFileEmbeddings {
        precondition(batchSize > 0, "batch size must be positive")
        guard let preprocessing = identity.preprocessing else {
            throw ModelError.invalidOption("\(identity.name) has no image tower")
        }
        var rows: [Tensor] = [], embedded: [FileSystemPath] = [], unreadable: [UnreadableImage] = []
        for start in stride(from: 0, to: imageFiles.count, by: batchSize) {
            let batch = Array(imageFiles[start..<min(start + batchSize, imageFiles.count)])
            let prepared = preprocessing.prepare(count: batch.count) { try decoder.decode(contentsOf: batch[$0]) }
            var ready: [Tensor] = [], readyPaths: [FileSystemPath] = []
            for (path, result) in zip(batch, prepared) {
                switch result {
                case .success(let tensor):
                    ready.append(tensor)
                    readyPaths.append(path)
                case .failure(let error):
                    unreadable.append(UnreadableImage(path: path.escapedText, reason: String(describing: error)))
                }
            }
            if !ready.isEmpty {
                let embeddings = try embed(images: Tensor.stackingImages(ready))  // [ready, dimension]
                let problems = Dictionary(EmbeddingRowCheck.problems(in: embeddings), uniquingKeysWith: { first, _ in first })
                if problems.isEmpty {
                    rows.append(embeddings)
                    embedded += readyPaths
                } else {
                    let kept = readyPaths.indices.filter { problems[$0] == nil }
                    if !kept.isEmpty { rows.append(Tensor.gather(rowsOf: embeddings, indices: kept)) }  // [kept, dimension]
                    embedded += kept.map { readyPaths[$0] }
                    unreadable += problems.keys.sorted().map { UnreadableImage(path: readyPaths[$0].escapedText, reason: problems[$0]!) }
                }
            }
            progress?(start + batch.count, imageFiles.count)
        }
        return ImageFileEmbeddings(embeddings: RowBatches.stacked(rows, dimension: identity.dimension), embeddedPaths: embedded,
                                   unreadable: unreadable)
    }

}
