import Foundation
import Tensor
import TestSupport
@testable import Training

/// Shared data for the training tests: Fashion-MNIST (installed by `scripts/setup.sh`) read once.
enum TrainingTestData {
    static let fashionTrain = Result { try FashionMNIST.load(split: .train) }
    static let fashionTest = Result { try FashionMNIST.load(split: .test) }

    /// A fresh temporary folder.
    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("clipkit-training-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
