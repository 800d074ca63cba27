import Foundation
import Tensor
import TestSupport
@testable import Training

/// Shared helpers of the training tests.
enum TrainingTestData {
    /// A fresh temporary folder.
    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("clipkit-training-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
