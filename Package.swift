// swift-tools-version:6.0
import PackageDescription

import Foundation

/// On x86-64 Linux the numeric targets are compiled for AVX2 + FMA (Haswell and newer, every
/// current x86 server), which doubles the width of our vectorised loops. Set CLIPKIT_PORTABLE=1
/// when building for older CPUs.
var numericSettings: [SwiftSetting] = []
#if arch(x86_64) && os(Linux)
if ProcessInfo.processInfo.environment["CLIPKIT_PORTABLE"] != "1" {
    numericSettings.append(.unsafeFlags(["-target-cpu", "haswell"]))
}
#endif

/// Targets follow the dependency order of `DESIGN.md`: each target only imports targets above it.
let package = Package(
    name: "CLIPKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CLIPKit", targets: ["CLIPKit"]),
        .library(name: "CLIPKitEngine", targets: ["Tensor", "Autograd", "NN", "Optim", "Checkpoint", "Tokenizers", "Imaging", "Models"]),
        .library(name: "CLIPKitRetrieval", targets: ["Retrieval", "Evaluation"]),
        .executable(name: "clipkit", targets: ["clipkit"]),
        .executable(name: "clipkit-bench", targets: ["ClipkitBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // System-library shims.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CCodecs", path: "Sources/CCodecs"),
        .target(name: "CFaiss", path: "Sources/CFaiss",
                linkerSettings: [.linkedLibrary("faiss"), .linkedLibrary("openblas"), .linkedLibrary("gomp"), .linkedLibrary("m")]),

        // Engine.
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: numericSettings),
        .target(name: "Autograd", dependencies: ["Tensor"], swiftSettings: numericSettings),
        .target(name: "NN", dependencies: ["Tensor", "Autograd"], swiftSettings: numericSettings),
        .target(name: "Optim", dependencies: ["Tensor", "NN"], swiftSettings: numericSettings),
        .target(name: "Checkpoint", dependencies: ["Tensor", "CCodecs"]),
        .target(name: "Imaging", dependencies: ["Tensor", "CCodecs"], swiftSettings: numericSettings),
        .target(name: "Tokenizers", dependencies: ["CCodecs"]),
        .target(name: "Models", dependencies: ["Tensor", "Autograd", "NN", "Checkpoint", "Imaging", "Tokenizers"],
                swiftSettings: numericSettings),
        .target(name: "Evaluation", dependencies: ["Tensor"], swiftSettings: numericSettings),
        .target(name: "Retrieval",
                dependencies: ["Tensor", "CBLAS", "Checkpoint", "Imaging", "CFaiss", .product(name: "GRDB", package: "GRDB.swift")],
                swiftSettings: numericSettings),
        .target(name: "CLIPKit", dependencies: ["Tensor", "Autograd", "NN", "Checkpoint", "Tokenizers", "Imaging", "Models", "Training",
                                                "Retrieval", "Evaluation"]),
        .target(name: "Training", dependencies: ["Tensor", "Autograd", "NN", "Optim", "Checkpoint", "Imaging", "Tokenizers", "Models", "CCodecs"],
                swiftSettings: numericSettings),

        // Command-line tools.
        .executableTarget(
            name: "clipkit",
            dependencies: [
                "Tensor", "Autograd", "NN", "Checkpoint", "Tokenizers", "Imaging", "Models", "CLIPKit", "Training",
                "Retrieval", "Evaluation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "ClipkitBench",
            dependencies: [
                "Tensor", "Autograd", "NN", "Optim", "Models", "Retrieval", "Evaluation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Tests.
        .target(name: "TestSupport", dependencies: ["Tensor"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["TestSupport", "Tensor", "Checkpoint"], path: "Tests/TensorTests"),
        .testTarget(name: "AutogradTests", dependencies: ["TestSupport", "Autograd", "NN", "Tensor", "Checkpoint"], path: "Tests/AutogradTests"),
        .testTarget(name: "NNTests", dependencies: ["TestSupport", "NN", "Autograd", "Tensor", "Checkpoint"], path: "Tests/NNTests"),
        .testTarget(name: "OptimTests", dependencies: ["TestSupport", "Optim", "NN", "Tensor", "Checkpoint"], path: "Tests/OptimTests"),
        .testTarget(name: "ModelsTests", dependencies: ["TestSupport", "Models", "NN", "Autograd", "Tensor", "Checkpoint", "Imaging", "Tokenizers"],
                    path: "Tests/ModelsTests"),
        .testTarget(name: "CLIPKitTests", dependencies: ["TestSupport", "CLIPKit", "Checkpoint", "Tensor", "Retrieval", "Training", "Evaluation"],
                    path: "Tests/CLIPKitTests"),
        .testTarget(name: "CheckpointTests", dependencies: ["TestSupport", "Checkpoint", "Tensor"], path: "Tests/CheckpointTests"),
        .testTarget(name: "ImagingTests", dependencies: ["TestSupport", "Imaging", "Tensor"], path: "Tests/ImagingTests"),
        .testTarget(name: "TrainingTests", dependencies: ["TestSupport", "Training", "Optim", "NN", "Autograd", "Tensor", "Checkpoint", "Imaging", "Models", "Tokenizers"],
                    path: "Tests/TrainingTests"),
        .testTarget(name: "TokenizersTests", dependencies: ["TestSupport", "Tokenizers"], path: "Tests/TokenizersTests"),
        .target(name: "RetrievalTestSupport", dependencies: ["Retrieval", "Tensor", "Imaging"], path: "Tests/RetrievalTestSupport"),
        .executableTarget(name: "retrieval-test-indexer", dependencies: ["RetrievalTestSupport", "Retrieval"],
                          path: "Tests/RetrievalTestIndexer"),
        .testTarget(name: "RetrievalTests",
                    dependencies: ["TestSupport", "RetrievalTestSupport", "retrieval-test-indexer", "Retrieval", "Evaluation", "Tensor", "Imaging"],
                    path: "Tests/RetrievalTests"),
        .testTarget(name: "EvaluationTests", dependencies: ["TestSupport", "Evaluation", "Tensor"], path: "Tests/EvaluationTests"),
    ],
    swiftLanguageModes: [.v5]
)
