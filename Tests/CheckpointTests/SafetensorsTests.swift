import Foundation
import Testing
import Tensor
import TestSupport
@testable import Checkpoint

/// safetensors reading and writing against `sample.safetensors` written by safetensors 0.8 (torch 2.15).
struct SafetensorsTests {
    @Test func describesEveryTensorWithItsStoredType() throws {
        let file = try SafetensorsFile(contentsOf: CheckpointFixtures.url("sample.safetensors"))
        let expected = try CheckpointFixtures.expectedInfos("sample")
        #expect(Set(file.names) == Set(expected.keys))
        for info in file.tensors {
            let reference = try #require(expected[info.name])
            #expect(info.dataType.torchName == reference.dataType, "\(info.name)")
            #expect(info.shape == reference.shape, "\(info.name)")
        }
        #expect(file.info(named: "bfloat16")?.dataType == .bfloat16)
        #expect(file.info(named: "bool")?.dataType == .bool)
    }

    @Test func convertsEveryTypeExactlyLikeTorch() throws {
        let file = try SafetensorsFile(contentsOf: CheckpointFixtures.url("sample.safetensors"))
        let expected = try CheckpointFixtures.expectedTensors("sample")
        #expect(expected.count == 13)
        for (name, reference) in expected {
            let tensor = try file.tensor(named: name)
            #expect(bitwiseEqual(tensor, reference), "\(name): \(tensor) vs \(reference)")
        }
        // Spot values, independent of the expected file.
        #expect(try file.tensor(named: "float16").scalars == [1.0, -0.0, 65504.0, 0x1p-24, -.infinity, 0.0999755859375])
        #expect(try file.tensor(named: "float16").scalars[1].sign == .minus)
        #expect(try file.tensor(named: "int64").scalars == [9_007_199_254_740_992, -5, 0, 4_611_686_018_427_387_904])
        #expect(try file.tensor(named: "int8").scalars == [-128, 127, 0])
        #expect(try file.tensor(named: "uint8").scalars == [0, 200, 255])
        #expect(try file.tensor(named: "bool").scalars == [1, 0, 0, 1])
        #expect(try file.tensor(named: "scalar").shape == [])
        #expect(try file.tensor(named: "scalar").item == -4.25)
        #expect(try file.tensor(named: "empty").shape == [2, 0])
        #expect(try file.tensor(named: "bfloat16").scalars[3].isNaN)
    }

    @Test func readsMetadata() throws {
        let file = try SafetensorsFile(contentsOf: CheckpointFixtures.url("sample.safetensors"))
        #expect(file.metadata == ["format": "pt", "note": "CLIPKit \u{2713} \"quoted\"\n"])
    }

    @Test func float32TensorsAreViewsOfTheMapping() throws {
        let file = try SafetensorsFile(contentsOf: CheckpointFixtures.url("sample.safetensors"))
        let first = try file.tensor(named: "float32")
        let second = try file.tensor(named: "float32")
        #expect(first.pointer == second.pointer)  // same mapped bytes, no copy
        let converted = try file.tensor(named: "float16")
        #expect(converted.pointer != (try file.tensor(named: "float16")).pointer)
    }

    @Test func mutatingAViewNeverChangesTheFile() throws {
        let scratch = try TemporaryFolder()
        let url = scratch.file("weights.safetensors")
        try SafetensorsFile.write(["w": Tensor(shape: [2], scalars: [1, 2])], to: url)
        let file = try SafetensorsFile(contentsOf: url)
        var tensor = try file.tensor(named: "w")
        let sibling = try file.tensor(named: "w")
        tensor.withUnsafeMutableBufferPointer { $0[0] = 42 }
        #expect(tensor.scalars == [42, 2])
        #expect(sibling.scalars == [1, 2])
        #expect(try file.tensor(named: "w").scalars == [1, 2])
        #expect(try SafetensorsFile(contentsOf: url).tensor(named: "w").scalars == [1, 2])
    }

    @Test func writesAndReadsBack() throws {
        let scratch = try TemporaryFolder()
        let url = scratch.file("round-trip.safetensors")
        let tensors: [String: Tensor] = [
            "layer.weight": Tensor(shape: [3, 2], scalars: [1.5, -2, .pi, -0.0, .infinity, 0x1p-130]),
            "layer.bias": Tensor(shape: [3], scalars: [0.25, 0.5, 0.75]),
            "scalar": Tensor(scalar: 7),
            "empty": Tensor(zeros: [0, 4]),
            "name with \"quotes\" \u{e9}": Tensor(shape: [1], scalars: [9]),
        ]
        let metadata = ["format": "pt", "multi\nline": "tab\tand \u{1}"]
        try SafetensorsFile.write(tensors, metadata: metadata, to: url)

        let file = try SafetensorsFile(contentsOf: url)
        #expect(file.metadata == metadata)
        #expect(Set(file.names) == Set(tensors.keys))
        for (name, tensor) in tensors {
            #expect(file.info(named: name)?.dataType == .float32)
            #expect(bitwiseEqual(try file.tensor(named: name), tensor), "\(name)")
        }
        // Header padded to 8 bytes; data follows in name order.
        let bytes = [UInt8](try Data(contentsOf: url))
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        #expect(bytes.count == 8 + headerLength + 4 * (6 + 3 + 1 + 0 + 1))
        #expect(bytes[8 + headerLength - 1] == UInt8(ascii: " ") || bytes[8 + headerLength - 1] == UInt8(ascii: "}"))
        // No temporary file left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["round-trip.safetensors"])
    }

    @Test func writingRefusesReservedNames() throws {
        let scratch = try TemporaryFolder()
        let message = errorMessage {
            try SafetensorsFile.write(["__metadata__": Tensor(scalar: 1)], to: scratch.file("bad.safetensors"))
        }
        #expect(message?.contains("'__metadata__'") == true)
        #expect(message?.contains("reserved") == true)
    }

    @Test func missingTensorNamesTheFileAndTensor() throws {
        let url = CheckpointFixtures.url("sample.safetensors")
        let file = try SafetensorsFile(contentsOf: url)
        #expect(throws: CheckpointError.tensorNotFound(path: url.path, tensor: "nope")) { try file.tensor(named: "nope") }
        #expect(errorMessage { _ = try file.tensor(named: "nope") } == "checkpoint \(url.path) has no tensor named 'nope'")
    }
}

/// Hand-made broken safetensors files: each must throw an error naming the problem.
struct SafetensorsValidationTests {
    /// A file with `header` as its JSON and `dataSize` zero bytes of data.
    func file(header: String, dataSize: Int, in scratch: TemporaryFolder) throws -> URL {
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init)
        bytes += Array(header.utf8) + [UInt8](repeating: 0, count: dataSize)
        return try scratch.write(Data(bytes), to: "case.safetensors")
    }

    func message(header: String, dataSize: Int) throws -> String? {
        let scratch = try TemporaryFolder()
        let url = try file(header: header, dataSize: dataSize, in: scratch)
        return errorMessage { _ = try SafetensorsFile(contentsOf: url).allTensors() }
    }

    @Test func acceptsAWellFormedHandMadeFile() throws {
        #expect(try message(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, dataSize: 8) == nil)
    }

    @Test func rejectsOverlappingTensors() throws {
        let text = try message(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, dataSize: 8)
        #expect(text?.contains("tensor 'b' is invalid") == true)
        #expect(text?.contains("overlap those of 'a'") == true)
    }

    @Test func rejectsShapeThatDoesNotFillOffsets() throws {
        let text = try message(header: #"{"w":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}}"#, dataSize: 8)
        #expect(text?.contains("tensor 'w' is invalid") == true)
        #expect(text?.contains("does not fill") == true)
    }

    @Test func rejectsOffsetsOutsideTheData() throws {
        let text = try message(header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, dataSize: 8)
        #expect(text?.contains("outside the data buffer of 8 bytes") == true)
    }

    @Test func rejectsUnknownTypes() throws {
        let text = try message(header: #"{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, dataSize: 8)
        #expect(text?.contains("tensor 'w' has element type C64") == true)
    }

    @Test func rejectsMalformedJSON() throws {
        #expect(try message(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, dataSize: 4)?.contains("invalid JSON") == true)
        #expect(try message(header: #"{"w":1,"w":2}"#, dataSize: 0)?.contains("duplicate key 'w'") == true)
        #expect(try message(header: #"{"w":{"dtype":"F32","shape":[true],"data_offsets":[0,4]}}"#, dataSize: 4)?.contains("non-negative integers") == true)
        #expect(try message(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}}"#, dataSize: 4)?.contains("two integers") == true)
        #expect(try message(header: "[1]", dataSize: 0)?.contains("does not start with '{'") == true)
        #expect(try message(header: String(repeating: "[", count: 100), dataSize: 0) != nil)
    }

    @Test func rejectsAbsurdHeaderLengths() throws {
        let scratch = try TemporaryFolder()
        var bytes = withUnsafeBytes(of: UInt64(1 << 60).littleEndian, Array.init)
        bytes += Array("{}".utf8)
        let url = try scratch.write(Data(bytes), to: "huge.safetensors")
        let text = errorMessage { _ = try SafetensorsFile(contentsOf: url) }
        #expect(text?.contains("exceeds the format's limit") == true)

        let short = try scratch.write(Data(withUnsafeBytes(of: UInt64(64).littleEndian, Array.init) + Array("{}".utf8)), to: "short.safetensors")
        #expect(errorMessage { _ = try SafetensorsFile(contentsOf: short) }?.contains("is truncated") == true)
        let tiny = try scratch.write(Data([1, 2, 3]), to: "tiny.safetensors")
        #expect(errorMessage { _ = try SafetensorsFile(contentsOf: tiny) }?.contains("is truncated") == true)
    }

    @Test func missingFileNamesThePath() throws {
        let text = errorMessage { _ = try SafetensorsFile(contentsOf: URL(fileURLWithPath: "/nonexistent/x.safetensors")) }
        #expect(text == "cannot access checkpoint /nonexistent/x.safetensors: No such file or directory")
    }
}
