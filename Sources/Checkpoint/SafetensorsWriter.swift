import Foundation
import Tensor

extension SafetensorsFile {
    /// Writes `tensors` as a Float32 (`F32`) safetensors file.
    ///
    /// Tensors are laid out in name order; the JSON header is space-padded to a multiple of 8 bytes
    /// so the data buffer starts 8-byte aligned, as the reference writer does. The file is written
    /// beside `url` and renamed into place, so a failed write never leaves a partial file.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let path = url.path
        let names = tensors.keys.sorted()
        for name in names where name.isEmpty || name == SafetensorsHeader.metadataKey {
            throw CheckpointError.invalidTensorForWriting(path: path, tensor: name, reason: "the name is empty or reserved")
        }

        // Header: metadata first, then tensors in data order.
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(HeaderJSON.quoted($0)):\(HeaderJSON.quoted(metadata[$0]!))" }
            members.append("\(HeaderJSON.quoted(SafetensorsHeader.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let byteCount = tensor.count * MemoryLayout<Float>.size
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append("\(HeaderJSON.quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + byteCount)]}")
            offset += byteCount
        }
        var header = Array("{\(members.joined(separator: ","))}".utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CheckpointError.fileSystem(path: path, reason: "cannot create \(temporary.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            var length = UInt64(header.count).littleEndian
            try handle.write(contentsOf: Data(bytes: &length, count: 8))
            try handle.write(contentsOf: Data(header))
            for name in names {
                try tensors[name]!.withUnsafeBufferPointer { scalars in
                    guard let base = scalars.baseAddress, !scalars.isEmpty else { return }
                    // Float32 is little-endian on every platform CLIPKit runs on.
                    try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base),
                                                      count: scalars.count * MemoryLayout<Float>.size,
                                                      deallocator: .none))
                }
            }
            try handle.synchronize()
            guard rename(temporary.path, path) == 0 else {
                throw CheckpointError.fileSystem(path: path, reason: "cannot rename \(temporary.path) into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? CheckpointError { throw error }
            throw CheckpointError.fileSystem(path: path, reason: "\(error)")
        }
    }
}
