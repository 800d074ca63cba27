import Foundation

/// Float32 vectors as SQLite blobs: the raw little-endian bytes, 4 per value.
enum VectorBlob {
    static func encode(_ vector: [Float]) -> Data {
        vector.withUnsafeBufferPointer { Data(buffer: $0) }
    }

    /// Copies a blob of `dimension` floats to `destination`; false when the size is wrong.
    static func decode(_ data: Data, dimension: Int, into destination: UnsafeMutablePointer<Float>) -> Bool {
        guard data.count == dimension * MemoryLayout<Float>.size else { return false }
        data.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(destination).copyMemory(from: raw.baseAddress!, byteCount: raw.count)
        }
        return true
    }
}
