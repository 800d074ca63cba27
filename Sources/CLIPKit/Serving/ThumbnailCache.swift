import Foundation
import Imaging

/// Small PNG previews of stored images, made once and kept in memory: the longer side is scaled
/// to `side` pixels (bicubic, aspect kept; smaller images are not enlarged). At most `capacity`
/// previews are kept; when full, the oldest made is dropped first.
final class ThumbnailCache: @unchecked Sendable {
    let side: Int
    let capacity: Int
    private var previews: [Int64: Data] = [:]
    private var order: [Int64] = []
    private let lock = NSLock()

    init(side: Int, capacity: Int) {
        precondition(side > 0 && capacity > 0, "thumbnail side and cache capacity must be positive")
        self.side = side
        self.capacity = capacity
    }

    subscript(id: Int64) -> Data? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return previews[id]
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            guard let newValue else { return }
            if previews.updateValue(newValue, forKey: id) == nil { order.append(id) }
            while order.count > capacity { previews[order.removeFirst()] = nil }
        }
    }

    /// The PNG preview of `image` (longer side at most `side`).
    static func thumbnail(of image: RGBImage, side: Int) throws -> Data {
        let scale = min(1, Double(side) / Double(max(image.width, image.height)))
        let width = max(1, Int((Double(image.width) * scale).rounded()))
        let height = max(1, Int((Double(image.height) * scale).rounded()))
        return try PNGEncoder.encode(scale < 1 ? image.resized(width: width, height: height, filter: .bicubic) : image)
    }
}
