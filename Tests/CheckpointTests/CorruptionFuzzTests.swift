import Foundation
import TestSupport
import Testing
import Tensor
@testable import Checkpoint

/// Hundreds of truncated and byte-flipped copies of every fixture format: each load must either
/// succeed or throw a `CheckpointError` — never crash, read out of bounds or allocate wildly.
struct CorruptionFuzzTests {
    enum Loader: String, CaseIterable {
        case safetensors, torch, torchUnverified, pickle, zip
    }

    static let cases: [(file: String, loader: Loader)] = [
        ("sample.safetensors", .safetensors),
        ("state_zip.pt", .torch),
        ("state_zip.pt", .torchUnverified),
        ("state_zip_protocol4.pt", .torchUnverified),
        ("state_legacy.pt", .torch),
        ("state_legacy_protocol1.pt", .torch),
        ("scripted.pt", .torchUnverified),
        ("traced.pt", .torchUnverified),
        ("malicious_eval.pt", .torchUnverified),
        ("zip64_extra.zip", .zip),
        ("values_protocol0.pkl", .pickle),
        ("values_protocol1.pkl", .pickle),
        ("values_protocol2.pkl", .pickle),
        ("values_protocol3.pkl", .pickle),
        ("values_protocol4.pkl", .pickle),
        ("values_protocol5.pkl", .pickle),
    ]

    /// Loads `url` completely (every tensor materialised); nil on success, else the error.
    static func load(_ url: URL, with loader: Loader) -> Error? {
        do {
            switch loader {
            case .safetensors:
                _ = try SafetensorsFile(contentsOf: url).allTensors()
            case .torch, .torchUnverified:
                let checkpoint = try TorchCheckpoint(contentsOf: url, verifiesChecksums: loader == .torch)
                _ = try checkpoint.allTensors()
                for constant in checkpoint.constants?.elements ?? [] {
                    if let reference = constant.tensorReference { _ = try checkpoint.tensor(for: reference) }
                }
            case .pickle:
                _ = try Unpickler.value(contentsOf: url)
            case .zip:
                let archive = try ZipArchive(file: MemoryMappedFile(path: url.path))
                for entry in archive.entries { _ = try archive.contents(of: entry).array }
            }
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: cases)
    func truncationsAlwaysThrow(file: String, loader: Loader) throws {
        let original = try CheckpointFixtures.bytes(file)
        #expect(Self.load(CheckpointFixtures.url(file), with: loader) == nil || file.hasPrefix("malicious"))
        let scratch = try TemporaryFolder()
        var generator = SplitMix64(seed: UInt64(original.count))  // deterministic, so a failure reproduces
        var lengths = Set([0, 1, 2, 7, 8, 9, 21, 22, 23, original.count - 1, original.count - 22, original.count / 2])
        while lengths.count < 160 { lengths.insert(Int.random(in: 0..<original.count, using: &generator)) }
        for length in lengths.sorted() where length >= 0 && length < original.count {
            let url = scratch.file("truncated-\(length)")
            try Data(original[0..<length]).write(to: url)
            let error = Self.load(url, with: loader)
            #expect(error is CheckpointError, "\(file) cut to \(length) bytes: \(error.map { "\($0)" } ?? "loaded")")
            try? FileManager.default.removeItem(at: url)
        }
    }

    @Test(arguments: cases)
    func byteFlipsThrowOrLoad(file: String, loader: Loader) throws {
        let original = try CheckpointFixtures.bytes(file)
        let scratch = try TemporaryFolder()
        var generator = SplitMix64(seed: 0x5EED_0000 &+ UInt64(original.count))
        var outcomes = (loaded: 0, thrown: 0)
        for iteration in 0..<400 {
            var mutated = original
            let flips = Int.random(in: 1...3, using: &generator)
            for _ in 0..<flips {
                // Half the flips land in the first or last 256 bytes, where headers and directories live.
                let position: Int
                switch iteration % 4 {
                case 0: position = Int.random(in: 0..<min(256, original.count), using: &generator)
                case 1: position = Int.random(in: max(0, original.count - 256)..<original.count, using: &generator)
                default: position = Int.random(in: 0..<original.count, using: &generator)
                }
                mutated[position] ^= UInt8.random(in: 1...255, using: &generator)
            }
            let url = scratch.file("flipped-\(iteration)")
            try Data(mutated).write(to: url)
            if let error = Self.load(url, with: loader) {
                #expect(error is CheckpointError, "\(file) mutation \(iteration): \(error)")
                outcomes.thrown += 1
            } else {
                outcomes.loaded += 1
            }
            try? FileManager.default.removeItem(at: url)
        }
        #expect(outcomes.thrown > 0, "\(file): no mutation was detected")
        #expect(outcomes.loaded + outcomes.thrown == 400)
    }

    @Test func hostileNestingIsReleasedWithoutRecursion() {
        // A million nested one-element tuples and a million nested lists: too deep to freeze, and
        // released iteratively rather than by a million nested deinitialisers.
        let tuples: [UInt8] = [0x80, 2, 0x4E] + [UInt8](repeating: 0x85, count: 1_000_000) + [0x2E]
        #expect(errorMessage { _ = try Unpickler.value(of: tuples) }?.contains("nest deeper than 200") == true)
        let lists: [UInt8] = [0x80, 2] + [UInt8](repeating: 0x5D, count: 1_000_000) + [UInt8](repeating: 0x61, count: 999_999) + [0x2E]
        #expect(errorMessage { _ = try Unpickler.value(of: lists) }?.contains("nest deeper than 200") == true)
        let truncated = Array(lists.dropLast())
        #expect(errorMessage { _ = try Unpickler.value(of: truncated) }?.contains("is truncated") == true)
    }
}
