import Foundation
import Imaging
import Models
import Tensor

/// Image files decoded and prepared on all cores, `batchSize` at a time, in list order: each
/// readable file becomes one model input (`prepare`), an unreadable one is reported and skipped,
/// and `body` receives every batch of inputs stacked `[batch, …]` with the files they came from.
/// The loop every metric over files shares (FID features, identity embeddings, LPIPS).
struct PreparedImageFiles {
    let files: [URL]
    var batchSize: Int
    var decoder = ImageDecoder()

    /// Runs `body` on each batch; returns the unreadable files. `progress(done, total)` after each batch.
    func forEachBatch(prepare: @escaping (RGBImage) throws -> Tensor, progress: ((Int, Int) -> Void)?,
                      _ body: (Tensor, [URL]) throws -> Void) throws -> [UnreadableImage] {
        precondition(batchSize > 0, "batch size must be positive")
        var unreadable: [UnreadableImage] = []
        let decoder = self.decoder
        for start in stride(from: 0, to: files.count, by: batchSize) {
            let batch = Array(files[start..<min(start + batchSize, files.count)])
            var ready: [Tensor] = [], readyFiles: [URL] = []
            for (url, result) in zip(batch, ParallelPreparation.results(count: batch.count) { try prepare(try decoder.decode(contentsOf: batch[$0])) }) {
                switch result {
                case let .success(tensor):
                    ready.append(tensor)
                    readyFiles.append(url)
                case let .failure(error):
                    unreadable.append(UnreadableImage(path: url.path, reason: String(describing: error)))
                }
            }
            if !ready.isEmpty { try body(Tensor.stackingImages(ready), readyFiles) }
            progress?(start + batch.count, files.count)
        }
        return unreadable
    }
}
