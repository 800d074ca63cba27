import Models
import CLIPKit
import Checkpoint
import Foundation
import Retrieval
import Tensor
import TestSupport
import Testing

@Suite struct EmbeddingExportTests {
    let identity = ModelIdentity(name: "test-model", checkpointHash: "abc123", dimension: 3, preprocessing: nil)
    let embeddings = Tensor(shape: [2, 3], scalars: [0.6, 0.8, 0, -1, 0, 1e-7])
    let keys = ["photos/cat.png", "a line\nwith a newline"]

    func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-export-\(UUID().uuidString)-\(name)")
    }

    @Test func npyRoundTripsWithKeysSidecar() throws {
        let url = temporaryFile("e.npy")
        defer { try? FileManager.default.removeItem(at: url); try? FileManager.default.removeItem(at: EmbeddingExport.keysURL(forNPY: url)) }
        try EmbeddingExport.write(embeddings, keys: keys, keyKind: "image", identity: identity, to: url)
        let read = try NPYFile.read(contentsOf: url)
        #expect(read.shape == [2, 3] && read.scalars == embeddings.scalars)
        let bytes = [UInt8](try Data(contentsOf: url))
        // Version 1.0 header, data 64-byte aligned as numpy writes it.
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0 && bytes.count == 10 + headerLength + 24)
        let lines = try String(contentsOf: EmbeddingExport.keysURL(forNPY: url), encoding: .utf8)
        #expect(lines == "photos/cat.png\na line\\nwith a newline\n")
    }

    @Test func npyReaderRefusesDamagedFiles() throws {
        let url = temporaryFile("bad.npy")
        defer { try? FileManager.default.removeItem(at: url) }
        try NPYFile.write(embeddings, to: url)
        let good = try Data(contentsOf: url)
        for cut in [0, 5, 9, 40, good.count - 1] {
            try good.prefix(cut).write(to: url)
            #expect(throws: CheckpointError.self) { try NPYFile.read(contentsOf: url) }
        }
        var integer = good
        let header = String(decoding: good.prefix(80), as: UTF8.self)
        let descrOffset = header.range(of: "<f4")!.lowerBound.utf16Offset(in: header)
        integer[descrOffset + 1] = UInt8(ascii: "i")
        try integer.write(to: url)
        #expect(throws: CheckpointError.self) { try NPYFile.read(contentsOf: url) }
    }

    @Test func safetensorsCarriesKeysAndIdentity() throws {
        let url = temporaryFile("e.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try EmbeddingExport.write(embeddings, keys: keys, keyKind: "text", identity: identity, to: url)
        let file = try SafetensorsFile(contentsOf: url)
        #expect(try file.tensor(named: "embeddings").scalars == embeddings.scalars)
        #expect(file.metadata["model"] == "test-model" && file.metadata["checkpoint_hash"] == "abc123")
        #expect(file.metadata["key_kind"] == "text")
        let decoded = try JSONDecoder().decode([String].self, from: Data(file.metadata["keys"]!.utf8))
        #expect(decoded == keys)
    }

    @Test func jsonLinesHoldOneObjectPerRow() throws {
        let url = temporaryFile("e.jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try EmbeddingExport.write(embeddings, keys: keys, keyKind: "image", identity: identity, to: url)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        struct Row: Decodable { let image: String; let embedding: [Float] }
        let rows = try lines.map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
        #expect(rows.map(\.image) == keys)
        #expect(rows.flatMap(\.embedding) == embeddings.scalars)
    }

    @Test func unknownExtensionIsRefused() {
        #expect(throws: ModelError.invalidOption(
            "cannot tell the output format of out.csv: use a name ending in .npy, .safetensors or .jsonl")) {
            try EmbeddingExport.Format(url: URL(fileURLWithPath: "/tmp/out.csv"))
        }
    }
}
