import Checkpoint
import Foundation
import Tensor
import TestSupport
import Testing

/// `.npz` archives written by NumPy (`savez`, `savez_compressed`) with every element type.
@Suite struct NPZTests {
    @Test(arguments: ["element_types.npz", "element_types_compressed.npz"])
    func everyElementTypeIsRead(_ name: String) throws {
        let arrays = try NPZFile.read(contentsOf: TestPaths.fixture("universal_sentence_encoder", name))
        #expect(Set(arrays.keys) == ["f16", "f32", "f64", "i8", "u8", "i32", "i64", "b", "scalar"])
        #expect(try arrays["f16"]!.dataType == .float16 && arrays["f16"]!.tensor(name: "x", path: name).scalars == [0.5, -2, 65_504])
        #expect(try arrays["f32"]!.shape == [2, 3] && arrays["f32"]!.tensor(name: "x", path: name).scalars == [0, 0.25, 0.5, 0.75, 1, 1.25])
        #expect(try arrays["f64"]!.tensor(name: "x", path: name).scalars == [Float(1e-12), 3.25])
        #expect(try arrays["i8"]!.tensor(name: "x", path: name).scalars == [-128, 127])
        #expect(try arrays["u8"]!.unsignedBytes() == [0, 63, 255] && arrays["u8"]!.shape == [1, 3])
        #expect(try arrays["i32"]!.tensor(name: "x", path: name).scalars == [-5, 7])
        #expect(try arrays["i64"]!.tensor(name: "x", path: name).scalars == [Float(1 << 40), -3])
        #expect(try arrays["b"]!.tensor(name: "x", path: name).scalars == [1, 0])
        #expect(try arrays["scalar"]!.shape == [] && arrays["scalar"]!.tensor(name: "x", path: name).scalars == [9.5])
        #expect(throws: CheckpointError.self) { try arrays["f32"]!.unsignedBytes() }
    }

    @Test func damagedArchivesAreRefused() throws {
        let folder = try TemporaryFolder()
        var bytes = try Data(contentsOf: TestPaths.fixture("universal_sentence_encoder", "element_types_compressed.npz"))
        for index in 60..<72 { bytes[index] ^= 0xFF }  // inside the first entry's deflated data (after its zip64 extra field)
        let damaged = try folder.write(bytes, to: "damaged.npz")
        #expect(throws: CheckpointError.self) { try NPZFile.read(contentsOf: damaged) }
        let truncated = try folder.write(bytes.prefix(bytes.count / 2), to: "truncated.npz")
        #expect(throws: CheckpointError.self) { try NPZFile.read(contentsOf: truncated) }
    }
}
