import Foundation
import Tensor

/// Which checkpoint container a file is, decided from its first bytes rather than its extension.
///
/// - `safetensors`: an 8-byte header length followed by `{`.
/// - `torchZip`: a zip archive (`PK\u{3}\u{4}`): `torch.save` since 1.6 or a TorchScript archive.
/// - `torchLegacy`: a pickle stream (PROTO opcode `0x80`, or `L` for protocols 0–1): `torch.save` before 1.6.
public enum CheckpointFormat: String, Sendable, CaseIterable {
    case safetensors
    case torchZip
    case torchLegacy

    /// Detects the format of the file at `url`.
    public init(contentsOf url: URL) throws {
        let file = try MemoryMappedFile(path: url.path)
        defer { withExtendedLifetime(file) {} }
        let bytes = file.bytes
        if bytes.count >= 9, bytes[8] == UInt8(ascii: "{"),
           UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self)) <= UInt64(bytes.count - 8) {
            self = .safetensors
        } else if bytes.count >= 4, bytes.loadUnaligned(as: UInt32.self) == UInt32(0x0403_4B50).littleEndian {
            self = .torchZip
        } else if let first = bytes.first, first == PickleOpcode.protocolVersion.rawValue || first == PickleOpcode.long.rawValue {
            self = .torchLegacy
        } else {
            throw CheckpointError.unrecognizedFormat(path: url.path, reason: "not safetensors, a zip archive or a pickle stream")
        }
    }

    /// Every tensor of the checkpoint at `url` as Float32, by name, whatever its format.
    public static func loadTensors(contentsOf url: URL) throws -> [String: Tensor] {
        switch try CheckpointFormat(contentsOf: url) {
        case .safetensors: return try SafetensorsFile(contentsOf: url).allTensors()
        case .torchZip, .torchLegacy: return try TorchCheckpoint.load(contentsOf: url)
        }
    }
}

extension CheckpointFormat {
    /// True when the file is a TorchScript archive (`torch.jit.save`, as OpenAI's released CLIP
    /// `.pt` files are): a zip with `constants.pkl` or a `code/` folder. Reads only the zip's
    /// directory.
    public static func isTorchScriptArchive(contentsOf url: URL) throws -> Bool {
        guard try CheckpointFormat(contentsOf: url) == .torchZip else { return false }
        let archive = try ZipArchive(file: try MemoryMappedFile(path: url.path))
        return archive.entries.contains { entry in
            let name = entry.name.split(separator: "/", maxSplits: 1).last.map(String.init) ?? entry.name
            return name == "constants.pkl" || name.hasPrefix("code/")
        }
    }
}
