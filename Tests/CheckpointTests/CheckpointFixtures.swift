import Foundation
import Tensor
import TestSupport
@testable import Checkpoint

/// Paths and reference values written by `scripts/fixtures/checkpoints.py` (torch 2.15, safetensors 0.8).
enum CheckpointFixtures {
    static func url(_ name: String) -> URL { TestPaths.fixture("checkpoints", name) }

    /// The `<stem>_expected.json` description: original dtypes and shapes, plus extra fields.
    static func description(_ stem: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url("\(stem)_expected.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Tensor name → (dtype name, shape) from `<stem>_expected.json`.
    static func expectedInfos(_ stem: String) throws -> [String: (dataType: String, shape: [Int])] {
        let tensors = try description(stem)["tensors"] as! [String: [String: Any]]
        return tensors.mapValues { ($0["dtype"] as! String, ($0["shape"] as! [Any]).map { ($0 as! NSNumber).intValue }) }
    }

    /// Torch's tensors converted to contiguous float32 (`<stem>_expected.safetensors`).
    static func expectedTensors(_ stem: String) throws -> [String: Tensor] {
        try SafetensorsFile(contentsOf: url("\(stem)_expected.safetensors")).allTensors()
    }

    /// Raw bytes of a fixture.
    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(name)))
    }
}

/// True when both tensors have the same shape and identical Float32 bit patterns, except that any
/// NaN matches any NaN: torch's scalar half-to-float path widens NaN 0x7E00 to 0x7FFFFFFF while
/// its vectorised path, numpy and F16C give 0x7FC00000 (what `ScalarConversion` does).
func bitwiseEqual(_ lhs: Tensor, _ rhs: Tensor) -> Bool {
    lhs.shape == rhs.shape && zip(lhs.scalars, rhs.scalars).allSatisfy { left, right in
        left.bitPattern == right.bitPattern || (left.isNaN && right.isNaN)
    }
}

/// The message of the error `body` throws, or nil when it succeeds.
func errorMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}
