import Foundation
import Imaging
import Tensor

/// One batch of items being read, decoded and preprocessed on background threads, so the next
/// batch is ready when the model finishes the current one.
final class PreparedImageBatch: @unchecked Sendable {
    enum Outcome {
        case ready(Tensor)  // [3, size, size]
        case failed(String)
    }

    let items: [SourceItem]
    private var outcomes: [Outcome]
    private let group = DispatchGroup()

    /// Starts preparing `items` at once.
    init(items: [SourceItem], preprocessing: Preprocessing, options: IndexingOptions) {
        self.items = items
        outcomes = Array(repeating: .failed("not prepared"), count: items.count)
        group.enter()
        DispatchQueue.global().async { [self] in
            let threads = max(1, min(options.decodingThreads, items.count))
            nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Outcome>.allocate(capacity: items.count)
            _ = results.initialize(from: outcomes)
            DispatchQueue.concurrentPerform(iterations: threads) { chunk in
                for position in (items.count * chunk / threads)..<(items.count * (chunk + 1) / threads) {
                    results[position] = Self.prepare(items[position], preprocessing: preprocessing, options: options)
                }
            }
            outcomes = Array(results)
            results.deinitialize()
            results.deallocate()
            group.leave()
        }
    }

    /// Waits for the batch and returns one outcome per item.
    func wait() -> [Outcome] {
        group.wait()
        return outcomes
    }

    static func prepare(_ item: SourceItem, preprocessing: Preprocessing, options: IndexingOptions) -> Outcome {
        guard let state = item.fileState else {
            return .failed("\(item.content.source): the file does not exist or cannot be examined")
        }
        guard state.size <= options.maximumFileSize else {
            return .failed("\(item.content.source): the file is \(state.size) bytes, over the limit of "
                           + "\(options.maximumFileSize) bytes (IndexingOptions.maximumFileSize)")
        }
        do {
            let data = try item.content.load()
            let image = try options.decoder.decode(data, source: item.content.source)
            return .ready(preprocessing(image))
        } catch {
            return .failed("\(error)")
        }
    }
}
