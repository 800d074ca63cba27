import Foundation
import Tensor
import TestSupport
import Testing
@testable import Checkpoint

/// NumPy arrays pickled by NumPy 2 with protocols 2–4 (`scripts/fixtures/metrics.py`): every
/// dtype, byte order and memory order the LPIPS backbone files could use reads back exactly, and
/// the whitelist grew by NumPy's array reconstruction only.
@Suite struct NumPyPickleTests {
    struct Expected: Decodable {
        struct Array: Decodable {
            let shape: [Int]
            let values: [Double]
        }
        let arrays: [String: Array]
    }

    static func fixture(_ name: String) -> URL { TestPaths.fixture("metrics", "numpy/\(name)") }

    @Test(arguments: [2, 3, 4])
    func arraysOfEveryTypeReadBack(protocolVersion: Int) throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Self.fixture("arrays.json")))
        let tensors = try NumPyPickle.tensors(contentsOf: Self.fixture("arrays_protocol\(protocolVersion).pkl"))
        #expect(Set(tensors.keys) == Set(expected.arrays.keys))
        for (name, array) in expected.arrays {
            let tensor = try #require(tensors[name], "\(name) is missing")
            #expect(tensor.shape == array.shape, "\(name): shape \(tensor.shape), expected \(array.shape)")
            // Every value is exact in Float32 except 2**40 + 0 (exact too) — compare after rounding to Float.
            #expect(tensor.scalars == array.values.map { Float($0) }, "\(name) differs")
        }
        #expect(tensors["model.layer_0.kernel"]?.shape == [3, 3, 2, 4])
        #expect(tensors["model.values.1"]?.scalars == [-3, 0, 1_099_511_627_776, 7])
    }

    @Test func objectArraysAreRefused() throws {
        #expect(throws: CheckpointError.unsupportedFeature(path: Self.fixture("object_array.pkl").path, part: "names",
                                                            feature: "NumPy arrays of Python objects")) {
            try NumPyPickle.tensors(contentsOf: Self.fixture("object_array.pkl"))
        }
    }

    /// A protocol-2 pickle whose only opcode of interest is GLOBAL `module name`.
    static func globalPickle(_ module: String, _ name: String) -> [UInt8] {
        [0x80, 2, UInt8(ascii: "c")] + Array("\(module)\n\(name)\n".utf8) + [UInt8(ascii: "N"), 0x85, UInt8(ascii: "R"), UInt8(ascii: ".")]
    }

    @Test(arguments: [
        ("os", "system"), ("posix", "system"), ("builtins", "eval"), ("builtins", "exec"), ("builtins", "getattr"),
        ("builtins", "__import__"), ("subprocess", "Popen"), ("subprocess", "check_output"),
        ("numpy.core.multiarray", "scalar"), ("numpy", "load"), ("numpy", "frombuffer"), ("numpy.lib.npyio", "load"),
        ("numpy.testing._private.utils", "runstring"), ("numpy._core.numeric", "_frombuffer"), ("numpy.core.multiarray", "empty"),
        ("numpy", "ndarray.__new__"), ("torch", "load"),
    ])
    func everyOtherGlobalIsStillRefused(module: String, name: String) {
        #expect(throws: CheckpointError.forbiddenGlobal(path: "pickle", part: "pickle", name: "\(module).\(name)")) {
            try Unpickler.value(of: Self.globalPickle(module, name))
        }
    }

    @Test func reconstructOnlyBuildsArraysOfNumPyArrays() {
        // _reconstruct(dtype, (0,), b'b'): the class argument must be numpy.ndarray.
        var bytes: [UInt8] = [0x80, 2, UInt8(ascii: "c")] + Array("numpy.core.multiarray\n_reconstruct\n".utf8)
        bytes += [UInt8(ascii: "c")] + Array("numpy\ndtype\n".utf8)
        bytes += [0x4B, 0, 0x85, 0x43, 1, 98, 0x87, UInt8(ascii: "R"), UInt8(ascii: ".")]
        #expect(throws: CheckpointError.self) { try Unpickler.value(of: bytes) }
    }
}

/// `.npz` archives as NumPy writes them (stored and deflated) and as CLIPKit writes them.
@Suite struct NPZWritingTests {
    @Test func readsNumPyArchivesStoredAndDeflated() throws {
        for name in ["well_conditioned_a.npz", "well_conditioned_b.npz"] {
            let arrays = try NPZFile.read(contentsOf: TestPaths.fixture("metrics", "fid/statistics/\(name)"))
            #expect(arrays["mu"]?.shape == [64])
            #expect(arrays["sigma"]?.shape == [64, 64])
        }
    }

    @Test func writtenArchivesReadBackExactly() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("statistics.npz")
        let arrays = ["mu": NumPyArray(float64: [1.0 / 3, -2e-300, 7], shape: [3]),
                      "sigma": NumPyArray(float64: [1, 0.5, 0.5, .pi], shape: [2, 2])]
        try NPZFile.write(arrays, to: url)
        #expect(try NPZFile.read(contentsOf: url) == arrays)
    }
}
