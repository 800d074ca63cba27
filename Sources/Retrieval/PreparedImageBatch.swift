import FileSystem
import Foundation
import Imaging
import Tensor

/// One batch of items being read, decoded and preprocessed on background threads, so the next
/// batch is ready when the model finishes the current one. Each ready image carries its capture
/// time (`CaptureDate`, from the Exif block of the bytes already read), if it has one.
final class PreparedImageBatch: @unchecked Sendable {
    enum Outcome {
        case ready(Tensor, captureTime: Double?)  // [3, size, size]
        case failed(String)
    }

    let items: [SourceItem]
    private var outcomes: [Outcome]
    private let group = DispatchGroup()

    /// Starts preparing `items` at once.
    init(items: [SourceItem], preprocessing: Preprocessing, options: IndexingOptions) {
        self.items = items
        outcomes = []
        group.enter()
        DispatchQueue.global().async { [self] in
            // One slot per item, each written by the one thread that prepares that item.
            let captureTimes = UnsafeMutableBufferPointer<Double?>.allocate(capacity: items.count)
            captureTimes.initialize(repeating: nil)
            defer { captureTimes.deallocate() }
            outcomes = preprocessing.prepare(count: items.count, threads: options.decodingThreads) { position in
                let (image, captureTime) = try Self.image(items[position], options: options)
                captureTimes[position] = captureTime
                return image
            }.enumerated().map { position, result in
                switch result {
                case let .success(tensor): .ready(tensor, captureTime: captureTimes[position])
                case let .failure(error as PreparationFailure): .failed(error.reason)
                case let .failure(error): .failed("\(error)")
                }
            }
            group.leave()
        }
    }

    /// Waits for the batch and returns one outcome per item.
    func wait() -> [Outcome] {
        group.wait()
        return outcomes
    }

    /// A refusal that is already a full sentence naming the item.
    struct PreparationFailure: Error {
        let reason: String
    }

    /// The decoded image of `item` and its capture time, after the existence and size checks.
    static func image(_ item: SourceItem, options: IndexingOptions) throws -> (RGBImage, captureTime: Double?) {
        if case let .refused(path, reason) = item.content { throw PreparationFailure(reason: "\(path): \(reason)") }
        guard let state = item.fileState else {
            // Say why: examine the file again for the system's reason.
            if case let .file(path) = item.content {
                do throws(FileSystemError) { _ = try path.status() } catch { throw PreparationFailure(reason: error.description) }
            }
            throw PreparationFailure(reason: "\(item.content.source): the file does not exist or cannot be examined")
        }
        guard state.size <= options.maximumFileSize else {
            throw PreparationFailure(reason: "\(item.content.source): the file is \(state.size) bytes, over the limit of "
                                     + "\(options.maximumFileSize) bytes (IndexingOptions.maximumFileSize)")
        }
        let bytes = try item.content.load(maximumSize: options.maximumFileSize)
        return (try options.decoder.decode(bytes, source: item.content.source), CaptureDate.secondsSince1970(inImage: bytes))
    }
}
