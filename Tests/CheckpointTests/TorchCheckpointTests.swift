import Foundation
import Testing
import Tensor
import TestSupport
@testable import Checkpoint

/// The same state dict saved by torch 2.15 as a zip (pickle protocols 2 and 4) and in the legacy
/// format; every tensor must equal torch's own float32 conversion bit for bit.
struct TorchCheckpointTests {
    static let savedFormats: [(file: String, format: TorchCheckpoint.Format)] = [
        ("state_zip.pt", .zip), ("state_zip_protocol4.pt", .zip), ("state_legacy.pt", .legacy),
        ("state_legacy_protocol1.pt", .legacy),
    ]

    @Test(arguments: savedFormats.map(\.file))
    func everyTensorMatchesTorch(file: String) throws {
        let checkpoint = try TorchCheckpoint(contentsOf: CheckpointFixtures.url(file))
        let expected = try CheckpointFixtures.expectedTensors("state")
        let infos = try CheckpointFixtures.expectedInfos("state")
        let skipped = file.contains("legacy") ? ["model.unsigned16"] : []
        #expect(Set(checkpoint.names) == Set(expected.keys).subtracting(skipped))
        #expect(checkpoint.names.count == 24 - skipped.count)
        for name in checkpoint.names {
            let tensor = try checkpoint.tensor(named: name)
            let reference = try #require(expected[name])
            #expect(bitwiseEqual(tensor, reference), "\(file) \(name): \(tensor) vs \(reference)")
            let stored = try #require(checkpoint.reference(named: name))
            #expect(stored.dataTypeName == infos[name]?.dataType, "\(name)")
            #expect(stored.shape == infos[name]?.shape, "\(name)")
        }
        let loaded = try TorchCheckpoint.load(contentsOf: CheckpointFixtures.url(file))
        #expect(loaded.count == checkpoint.names.count)
    }

    @Test(arguments: savedFormats)
    func detectsTheFormat(file: String, format: TorchCheckpoint.Format) throws {
        #expect(try TorchCheckpoint(contentsOf: CheckpointFixtures.url(file)).format == format)
    }

    @Test(arguments: savedFormats.map(\.file))
    func keepsStridesOffsetsAndTypes(file: String) throws {
        let checkpoint = try TorchCheckpoint(contentsOf: CheckpointFixtures.url(file))
        let transposed = try #require(checkpoint.reference(named: "model.transposed"))
        #expect(transposed.shape == [5, 3])
        #expect(transposed.strides == [1, 5])
        let window = try #require(checkpoint.reference(named: "model.shared.window"))
        #expect(window.storageOffset == 8)
        #expect(window.strides == [6, 1])
        #expect(window.storage == checkpoint.reference(named: "model.shared.base")?.storage)
        #expect(try checkpoint.tensor(named: "model.shared.window").scalars == [0.0, 0.125, 0.25, 0.75, 0.875, 1.0])
        #expect(try checkpoint.tensor(named: "model.shared.column").scalars == [-0.5, 0.25, 1.0, 1.75])
        #expect(checkpoint.reference(named: "model.broadcast")?.strides == [0, 1])
        #expect(checkpoint.reference(named: "model.parameter")?.requiresGradient == true)
        #expect(checkpoint.reference(named: "model.conv.weight")?.requiresGradient == false)
        #expect(checkpoint.reference(named: "model.half")?.dataType == .float16)
        #expect(checkpoint.reference(named: "model.bfloat")?.dataType == .bfloat16)
        #expect(checkpoint.reference(named: "model.norm.num_batches_tracked")?.dataType == .int64)
        #expect(try checkpoint.tensor(named: "model.norm.num_batches_tracked").shape == [])
        #expect(try checkpoint.tensor(named: "model.norm.num_batches_tracked").item == 12345)
        #expect(try checkpoint.tensor(named: "model.long").scalars == [0, -1, 16_777_216, -1_099_511_627_776, 4_611_686_018_427_387_904])
        #expect(try checkpoint.tensor(named: "model.empty").shape == [0, 3])
        #expect(checkpoint.tensors.first(where: { $0.name == "model.mask" })?.dataType == .bool)
    }

    @Test func zipFloat32TensorsViewTheFileAndShareStorages() throws {
        let checkpoint = try TorchCheckpoint(contentsOf: CheckpointFixtures.url("state_zip.pt"))
        let base = try checkpoint.tensor(named: "model.shared.base")
        let row = try checkpoint.tensor(named: "model.shared.row")
        #expect(row.pointer == base.pointer + 12)
        #expect(row.storage === base.storage)
        #expect(try checkpoint.tensor(named: "model.conv.weight").pointer == (try checkpoint.tensor(named: "model.conv.weight")).pointer)
        // Writing through one view copies first: the other views and later loads are unchanged.
        var written = row
        written.withUnsafeMutableBufferPointer { $0[0] = 100 }
        #expect(written.scalars[0] == 100)
        #expect(row.scalars[0] == 0.5)
        #expect(base.scalars[12] == 0.5)
        #expect(try checkpoint.tensor(named: "model.shared.row").scalars[0] == 0.5)
    }

    @Test(arguments: savedFormats.map(\.file))
    func keepsNonTensorValues(file: String) throws {
        let root = try TorchCheckpoint(contentsOf: CheckpointFixtures.url(file)).root
        #expect(root["epoch"] == .integer(7))
        #expect(root["name"] == .string("tiny checkpoint \u{e9}"))
        #expect(root["flags"] == .list([.bool(true), .bool(false), .none]))
        #expect(root["blob"] == .bytes([0, 1, 255]))
        #expect(root["big"] == .bigInteger([0, 0, 0, 0, 0, 0, 0, 0, 0x40]))
        #expect(root["size"] == .tuple([.integer(2), .integer(3)]))
        #expect(root["device"] == .object(PickleObject(typeName: "torch.device", arguments: [.string("cpu")])))
        #expect(root["dtype"] == .global("torch.float16"))
        let group = root["optimizer"]?["param_groups"]?.elements?.first
        #expect(group?["lr"] == .float(0.001))
        #expect(group?["betas"] == .tuple([.float(0.9), .float(0.999)]))
        #expect(root["optimizer"]?["state"]?.entries?.first?.key == .integer(0))
        #expect(root["optimizer"]?["state"]?.entries?.first?.value["step"] == .integer(3))
        #expect(root["model"]?["conv.weight"]?.tensorReference?.shape == [4, 3, 3, 3])
    }

    @Test func selectsASubtreeByPrefix() throws {
        let checkpoint = try TorchCheckpoint(contentsOf: CheckpointFixtures.url("state_zip.pt"))
        let model = try checkpoint.tensors(under: "model")
        #expect(model.count == 22)
        #expect(model["conv.bias"]?.shape == [4])
        #expect(try checkpoint.tensors(under: "extra.deep").keys.sorted() == ["deeper"])
        #expect(try checkpoint.tensors(under: "optimizer").keys.sorted() == ["state.0.exp_avg"])
        #expect(errorMessage { _ = try checkpoint.tensors(under: "state_dict") }?.contains("no tensor named 'state_dict.*'") == true)
    }

    @Test func missingTensorNamesTheFile() throws {
        let url = CheckpointFixtures.url("state_legacy.pt")
        let checkpoint = try TorchCheckpoint(contentsOf: url)
        #expect(throws: CheckpointError.tensorNotFound(path: url.path, tensor: "model.nope")) {
            try checkpoint.tensor(named: "model.nope")
        }
    }
}

/// TorchScript archives from `torch.jit.script` and `torch.jit.trace` (torch 2.15).
struct TorchScriptTests {
    @Test func scriptedModuleAttributesAreItsStateDict() throws {
        let checkpoint = try TorchCheckpoint(contentsOf: CheckpointFixtures.url("scripted.pt"))
        #expect(checkpoint.format == .torchScript)
        let expected = try CheckpointFixtures.expectedTensors("scripted")
        #expect(Set(checkpoint.names) == Set(expected.keys))
        #expect(Set(checkpoint.names) == ["fc.weight", "fc.bias", "scale", "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
        for (name, reference) in expected {
            #expect(bitwiseEqual(try checkpoint.tensor(named: name), reference), "\(name)")
        }
        guard case let .object(module) = checkpoint.root else {
            Issue.record("root is not a module object")
            return
        }
        #expect(module.typeName.hasPrefix("__torch__."))
        #expect(module.typeName.hasSuffix("ScriptedBlock"))
        #expect(checkpoint.root["training"] == .bool(true))
        #expect(checkpoint.root["fc"]?["training"] == .bool(true))
        #expect(checkpoint.constants == .tuple([]))
    }

    @Test func tracedModuleConstantsAreReadable() throws {
        let checkpoint = try TorchCheckpoint(contentsOf: CheckpointFixtures.url("traced.pt"))
        #expect(checkpoint.format == .torchScript)
        let expected = try CheckpointFixtures.expectedTensors("traced")
        #expect(Set(checkpoint.names) == Set(expected.keys))
        for (name, reference) in expected {
            #expect(bitwiseEqual(try checkpoint.tensor(named: name), reference), "\(name)")
        }
        let constant = try #require(checkpoint.constants?.elements?.first?.tensorReference)
        #expect(constant.storage.archive == "constants")
        let expectedConstant = try #require(try CheckpointFixtures.expectedTensors("traced_constants")["constants.0"])
        #expect(bitwiseEqual(try checkpoint.tensor(for: constant), expectedConstant))
    }

    @Test func deflatedCodeEntriesInflateToTheirChecksum() throws {
        let description = try CheckpointFixtures.description("scripted")
        let entryName = try #require(description["code_entry"] as? String)
        let archive = try ZipArchive(file: MemoryMappedFile(path: CheckpointFixtures.url("scripted.pt").path))
        let entry = try #require(archive.entry(named: entryName))
        #expect(entry.method == .deflated)
        let contents = try archive.contents(of: entry)
        #expect(contents.count == (description["code_size"] as? NSNumber)?.intValue)
        #expect(contents.array.withUnsafeBytes { Inflater.crc32(of: $0) } == (description["code_crc32"] as? NSNumber)?.uint32Value)
    }
}

/// Hostile pickles: each names its forbidden global and nothing runs.
struct ForbiddenGlobalTests {
    @Test func plainPickleCallingOsSystem() throws {
        let url = CheckpointFixtures.url("malicious_os_system.pkl")
        let message = errorMessage { _ = try Unpickler.value(contentsOf: url) }
        #expect(message == "checkpoint \(url.path) (pickle) refers to os.system, which is not a tensor-rebuild function; refusing to load")
        #expect(throws: CheckpointError.forbiddenGlobal(path: url.path, part: "pickle", name: "os.system")) {
            _ = try Unpickler.value(contentsOf: url)
        }
    }

    @Test func zipCheckpointCallingEval() throws {
        let url = CheckpointFixtures.url("malicious_eval.pt")
        #expect(throws: CheckpointError.forbiddenGlobal(path: url.path, part: "zip entry 'malicious_eval/data.pkl'", name: "builtins.eval")) {
            _ = try TorchCheckpoint(contentsOf: url)
        }
    }

    @Test func legacyCheckpointStartingAProcess() throws {
        let url = CheckpointFixtures.url("malicious_popen_legacy.pt")
        let message = errorMessage { _ = try TorchCheckpoint(contentsOf: url) }
        // Python's protocol-2 pickler spells subprocess.Popen with its Python 2 module name.
        #expect(message == "checkpoint \(url.path) (legacy main pickle) refers to commands.Popen, which is not a tensor-rebuild function; refusing to load")
    }

    @Test func torchScriptClassesAreRefusedOutsideTorchScript() {
        // GLOBAL '__torch__ Evil', EMPTY_TUPLE, NEWOBJ, STOP
        let bytes = Array("c__torch__\nEvil\n".utf8) + [0x29, 0x81, 0x2E]
        #expect(throws: CheckpointError.forbiddenGlobal(path: "pickle", part: "pickle", name: "__torch__.Evil")) {
            _ = try Unpickler.value(of: bytes)
        }
    }

    @Test func whitelistedValuesCannotBeCalled() {
        // GLOBAL 'torch FloatStorage', EMPTY_TUPLE, REDUCE, STOP
        let bytes = Array("ctorch\nFloatStorage\n".utf8) + [0x29, 0x52, 0x2E]
        #expect(errorMessage { _ = try Unpickler.value(of: bytes) }?.contains("torch.FloatStorage may appear as a value but is never called") == true)
    }
}

/// Format detection from the first bytes.
struct CheckpointFormatTests {
    @Test(arguments: [
        ("sample.safetensors", CheckpointFormat.safetensors), ("state_zip.pt", .torchZip),
        ("scripted.pt", .torchZip), ("state_legacy.pt", .torchLegacy),
    ])
    func detectsEachContainer(file: String, format: CheckpointFormat) throws {
        #expect(try CheckpointFormat(contentsOf: CheckpointFixtures.url(file)) == format)
        let tensors = try CheckpointFormat.loadTensors(contentsOf: CheckpointFixtures.url(file))
        #expect(!tensors.isEmpty)
    }

    @Test func refusesOtherFiles() throws {
        let scratch = try TemporaryFolder()
        let url = try scratch.write("just some text\n", to: "notes.txt")
        #expect(errorMessage { _ = try CheckpointFormat(contentsOf: url) } == "\(url.path) is not a checkpoint this loader reads: not safetensors, a zip archive or a pickle stream")
        #expect(errorMessage { _ = try TorchCheckpoint(contentsOf: url) }?.contains("neither a zip header nor a pickle protocol opcode") == true)
        let plainPickle = CheckpointFixtures.url("values_protocol2.pkl")
        #expect(errorMessage { _ = try TorchCheckpoint(contentsOf: plainPickle) }?.contains("without PyTorch's legacy magic number") == true)
    }
}

/// Variants of real files edited byte-wise: pickle text opcodes carry no offsets, so a GLOBAL
/// line can be respelled without breaking the rest of a legacy file.
struct EditedCheckpointTests {
    func replacing(_ old: String, with new: String, in bytes: [UInt8]) -> [UInt8] {
        let oldBytes = Array(old.utf8)
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if index + oldBytes.count <= bytes.count, Array(bytes[index..<(index + oldBytes.count)]) == oldBytes {
                result += Array(new.utf8)
                index += oldBytes.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    @Test func cudaStoragesLoadToTheCPU() throws {
        let original = try CheckpointFixtures.bytes("state_legacy.pt")
        let edited = replacing("ctorch\nFloatStorage\n", with: "ctorch.cuda\nFloatStorage\n", in: original)
        #expect(edited.count > original.count)
        let scratch = try TemporaryFolder()
        let checkpoint = try TorchCheckpoint(contentsOf: try scratch.write(Data(edited), to: "cuda.pt"))
        let expected = try CheckpointFixtures.expectedTensors("state")
        #expect(checkpoint.reference(named: "model.conv.weight")?.storage.storageTypeName == "torch.cuda.FloatStorage")
        for name in checkpoint.names {
            #expect(bitwiseEqual(try checkpoint.tensor(named: name), try #require(expected[name])), "\(name)")
        }
    }

    @Test func unsupportedRebuildFunctionsAreNamed() throws {
        let original = try CheckpointFixtures.bytes("state_legacy.pt")
        let edited = replacing("ctorch._utils\n_rebuild_tensor_v2\n", with: "ctorch._utils\n_rebuild_qtensor\n", in: original)
        let scratch = try TemporaryFolder()
        let url = try scratch.write(Data(edited), to: "quantized.pt")
        #expect(errorMessage { _ = try TorchCheckpoint(contentsOf: url) }
                == "checkpoint \(url.path) (legacy main pickle) uses torch._utils._rebuild_qtensor (quantized, sparse, nested or device-specific tensors), which this loader does not support")
    }

    @Test func storageOutOfRangeNamesTheTensor() throws {
        // Growing conv.bias from 4 to 40 elements makes its view run past its storage.
        let original = try CheckpointFixtures.bytes("state_legacy.pt")
        let checkpoint = try TorchCheckpoint(contentsOf: CheckpointFixtures.url("state_legacy.pt"))
        #expect(checkpoint.reference(named: "model.conv.bias")?.shape == [4])
        // In protocol 2 the size tuple (4,) is BININT1 4, TUPLE1 (0x4B 0x04 0x85) after the offset.
        let key = try #require(checkpoint.reference(named: "model.conv.bias")?.storage.key)
        let keyBytes = Array(key.utf8)
        var edited = original
        let keyPosition = try #require((0..<(edited.count - keyBytes.count)).first { Array(edited[$0..<($0 + keyBytes.count)]) == keyBytes })
        let sizePosition = try #require((keyPosition..<(edited.count - 2)).first { edited[$0] == 0x4B && edited[$0 + 1] == 0x04 && edited[$0 + 2] == 0x85 })
        edited[sizePosition + 1] = 40
        let scratch = try TemporaryFolder()
        let url = try scratch.write(Data(edited), to: "grown.pt")
        let message = errorMessage { _ = try TorchCheckpoint(contentsOf: url).tensor(named: "model.conv.bias") }
        #expect(message?.hasPrefix("checkpoint \(url.path): tensor 'model.conv.bias' is invalid: view (offset 0, shape [40], strides [1]) reaches element 39 of a storage holding 4 float32 elements") == true, "\(message ?? "")")
    }

    @Test func hugeBroadcastShapesAreRefused() throws {
        // model.broadcast is (4, 3) with strides (0, 1) over 3 elements; make it (200, 3) ... then 2**30.
        let checkpoint = try TorchCheckpoint(contentsOf: CheckpointFixtures.url("state_zip.pt"))
        let broadcast = try #require(checkpoint.reference(named: "model.broadcast"))
        let enormous = TorchTensorReference(storage: broadcast.storage, dataTypeName: "float32", dataType: .float32,
                                            storageOffset: 0, shape: [1 << 30, 3], strides: [0, 1], requiresGradient: false)
        #expect(errorMessage { _ = try checkpoint.tensor(for: enormous, name: "model.broadcast") }?
            .contains("materialising shape [1073741824, 3] would expand 3 stored elements to 3221225472") == true)
        let large = TorchTensorReference(storage: broadcast.storage, dataTypeName: "float32", dataType: .float32,
                                         storageOffset: 0, shape: [200, 3], strides: [0, 1], requiresGradient: false)
        let tensor = try checkpoint.tensor(for: large)
        #expect(tensor.shape == [200, 3])
        #expect(tensor[199].scalars == (try checkpoint.tensor(named: "model.broadcast"))[0].scalars)
    }
}
