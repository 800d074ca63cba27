// swift-tools-version:6.0
import PackageDescription

import Foundation

/// Numeric targets are compiled for the CPU of the machine that builds them (`-target-cpu native`:
/// AVX-512 on Zen 4 and Ice Lake or newer, AVX2 + FMA on Haswell and Zen 2/3), which widens every
/// vectorised loop. The widest instruction set found in /proc/cpuinfo is also passed as a
/// compilation condition (`CLIPKIT_ISA_AVX512`, `CLIPKIT_ISA_AVX2`) so `clipkit version` and the
/// benchmarks can say what the binary uses. `CLIPKIT_PORTABLE=1` builds for baseline x86-64 (any
/// 64-bit x86 CPU), for binaries that move to other machines.
var numericSettings: [SwiftSetting] = []
#if arch(x86_64) && os(Linux)
if ProcessInfo.processInfo.environment["CLIPKIT_PORTABLE"] != "1" {
    numericSettings.append(.unsafeFlags(["-target-cpu", "native"]))
    let cpuFlags = Set(((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")
        .split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
    if cpuFlags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl"]) {
        numericSettings.append(.define("CLIPKIT_ISA_AVX512"))
    } else if cpuFlags.isSuperset(of: ["avx2", "fma"]) {
        numericSettings.append(.define("CLIPKIT_ISA_AVX2"))
    }
}
#endif

/// Targets follow the dependency order of `DESIGN.md`: each target only imports targets above it.
let package = Package(
    name: "CLIPKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CLIPKit", targets: ["CLIPKit"]),
        .library(name: "CLIPKitEngine", targets: ["Tensor", "Autograd", "NN", "Optim", "Checkpoint", "Tokenizers", "Imaging", "Datasets", "Models"]),
        .library(name: "CLIPKitRetrieval", targets: ["Retrieval", "Evaluation"]),
        .executable(name: "clipkit", targets: ["clipkit"]),
        .executable(name: "clipkit-bench", targets: ["ClipkitBench"]),
        .executable(name: "clipkit-fuzz", targets: ["clipkit-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already resolved through Hummingbird; named here for the HTTP fuzz target's socket-free requests.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        // System-library shims.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CCodecs", path: "Sources/CCodecs"),
        .systemLibrary(name: "CLinkGrammar", path: "Sources/CLinkGrammar"),
        // Reduced-precision kernels (bf16 products through AVX512_BF16, u8·s8 dot products through AVX512_VNNI), chosen at run
        // time with scalar twins, so the C compiles for any x86-64 and the vector code runs only where the CPU has it;
        // also the AVX-512F element-wise kernels (exp, softmax rows, GELU), whose portable twins are Tensor's Swift loops.
        .target(name: "CReducedPrecision", path: "Sources/CReducedPrecision"),
        .target(name: "CFaiss", path: "Sources/CFaiss",
                linkerSettings: [.linkedLibrary("faiss"), .linkedLibrary("openblas"), .linkedLibrary("gomp"), .linkedLibrary("m")]),

        // Engine.
        .target(name: "FileSystem"),
        .target(name: "Tensor", dependencies: ["CBLAS", "CReducedPrecision"], swiftSettings: numericSettings),
        .target(name: "Autograd", dependencies: ["Tensor"], swiftSettings: numericSettings),
        .target(name: "NN", dependencies: ["Tensor", "Autograd"], swiftSettings: numericSettings),
        .target(name: "Optim", dependencies: ["Tensor", "NN"], swiftSettings: numericSettings),
        .target(name: "Checkpoint", dependencies: ["Tensor", "CCodecs"]),
        .target(name: "Imaging", dependencies: ["Tensor", "CCodecs", "Checkpoint", "FileSystem"], swiftSettings: numericSettings),
        .target(name: "Tokenizers", dependencies: ["Checkpoint"]),
        .target(name: "Datasets", dependencies: ["Tensor", "Checkpoint", "Imaging", "FileSystem"], swiftSettings: numericSettings),
        .target(name: "Models", dependencies: ["Tensor", "Autograd", "NN", "Checkpoint", "FileSystem", "Imaging", "Tokenizers"],
                swiftSettings: numericSettings),
        .target(name: "Evaluation", dependencies: ["Tensor", "CBLAS", "Datasets"], swiftSettings: numericSettings),
        .target(name: "Retrieval",
                dependencies: ["Tensor", "CBLAS", "Checkpoint", "FileSystem", "Imaging", "Datasets", "Models", "CFaiss", .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "PostgresNIO", package: "postgres-nio")],
                swiftSettings: numericSettings),
        .target(name: "CLIPKit", dependencies: ["Tensor", "Autograd", "NN", "Checkpoint", "FileSystem", "Tokenizers", "Imaging", "Datasets", "Models",
                                                "Training", "Retrieval", "Evaluation", "Generation", "Relations"]),
        .target(name: "Training", dependencies: ["Tensor", "Autograd", "NN", "Optim", "Checkpoint", "Imaging", "Tokenizers", "Datasets", "Models",
                                                 "Evaluation", "CCodecs"],
                swiftSettings: numericSettings),
        .target(name: "Generation", dependencies: ["Tensor", "Autograd", "NN", "Optim", "Checkpoint", "Imaging", "Tokenizers", "Datasets",
                                                   "Models", "Training"],
                swiftSettings: numericSettings),
        .target(name: "Relations", dependencies: ["Tensor", "Autograd", "NN", "Optim", "Checkpoint", "Imaging", "Tokenizers", "Datasets",
                                                  "Models", "Evaluation", "Training", "CLinkGrammar"],
                swiftSettings: numericSettings),

        // The HTTP service (`clipkit serve`) over the facade only.
        .target(name: "Server", dependencies: ["CLIPKit", "Retrieval", "Models", "Datasets", "Imaging", "Tensor",
                                               .product(name: "Hummingbird", package: "hummingbird"),
                                               .product(name: "Prometheus", package: "swift-prometheus")]),

        // Command-line tools.
        .executableTarget(
            name: "clipkit",
            dependencies: [
                "Tensor", "Autograd", "NN", "Checkpoint", "FileSystem", "Tokenizers", "Imaging", "Datasets", "Models", "CLIPKit", "Training",
                "Retrieval", "Evaluation", "Generation", "Relations", "Server",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "ClipkitBench",
            dependencies: [
                "Tensor", "Autograd", "NN", "Optim", "Models", "Retrieval", "Evaluation", "Generation", "RetrievalTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Fuzzing (issue 13): the readers of untrusted bytes as fuzz targets, and their libFuzzer /
        // replay entry (scripts/fuzz.sh builds it with -sanitize=fuzzer,address -D FUZZING).
        .target(name: "FuzzTargets", dependencies: ["Tensor", "Autograd", "NN", "Checkpoint", "Datasets", "Imaging", "Models", "Retrieval", "CLIPKit", "Server",
                                                    .product(name: "Hummingbird", package: "hummingbird"),
                                                    .product(name: "NIOEmbedded", package: "swift-nio"),
                                                    .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "clipkit-fuzz", dependencies: ["FuzzTargets"]),

        // Tests.
        // Helpers shared by the test targets (comparisons with tolerances, fixture access, test images);
        // below every target it serves, so it depends only on Tensor, Checkpoint and Imaging.
        .target(name: "TestSupport", dependencies: ["Tensor", "Checkpoint", "Imaging"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["TestSupport", "Tensor", "Checkpoint"], path: "Tests/TensorTests"),
        .testTarget(name: "AutogradTests", dependencies: ["TestSupport", "Autograd", "NN", "Tensor", "Checkpoint"], path: "Tests/AutogradTests"),
        .testTarget(name: "NNTests", dependencies: ["TestSupport", "NN", "Autograd", "Tensor", "Checkpoint"], path: "Tests/NNTests"),
        .testTarget(name: "OptimTests", dependencies: ["TestSupport", "Optim", "NN", "Tensor", "Checkpoint"], path: "Tests/OptimTests"),
        .testTarget(name: "ModelsTests", dependencies: ["TestSupport", "Models", "NN", "Autograd", "Tensor", "Checkpoint", "Imaging", "Tokenizers"],
                    path: "Tests/ModelsTests"),
        .testTarget(name: "CLIPKitTests", dependencies: ["TestSupport", "CLIPKit", "Models", "Checkpoint", "Tensor", "Datasets", "Retrieval",
                                                         "Training", "Evaluation", "Generation", "Imaging"],
                    path: "Tests/CLIPKitTests"),
        .testTarget(name: "CheckpointTests", dependencies: ["TestSupport", "Checkpoint", "Tensor", "CCodecs"], path: "Tests/CheckpointTests"),
        .testTarget(name: "ImagingTests", dependencies: ["TestSupport", "Imaging", "Tensor", "Checkpoint"], path: "Tests/ImagingTests"),
        .testTarget(name: "TrainingTests", dependencies: ["TestSupport", "Training", "Optim", "NN", "Autograd", "Tensor", "Checkpoint", "Imaging", "Datasets",
                                                          "Models", "Tokenizers"],
                    path: "Tests/TrainingTests"),
        .testTarget(name: "TokenizersTests", dependencies: ["TestSupport", "Tokenizers"], path: "Tests/TokenizersTests"),
        .testTarget(name: "DatasetsTests", dependencies: ["TestSupport", "Datasets", "FileSystem", "Imaging", "Checkpoint", "Tensor"],
                    path: "Tests/DatasetsTests"),
        .target(name: "RetrievalTestSupport", dependencies: ["Retrieval", "Models", "NN", "Autograd", "Tensor", "Imaging"], path: "Tests/RetrievalTestSupport"),
        .executableTarget(name: "retrieval-test-indexer", dependencies: ["RetrievalTestSupport", "Retrieval", "Models"],
                          path: "Tests/RetrievalTestIndexer"),
        .testTarget(name: "RetrievalTests",
                    dependencies: ["TestSupport", "RetrievalTestSupport", "retrieval-test-indexer", "Retrieval", "Models", "Evaluation", "Datasets", "FileSystem",
                                   "Tensor", "Imaging", .product(name: "GRDB", package: "GRDB.swift")],
                    path: "Tests/RetrievalTests"),
        .testTarget(name: "FuzzTargetTests", dependencies: ["TestSupport", "FuzzTargets"], path: "Tests/FuzzTargetTests"),
        .testTarget(name: "EvaluationTests", dependencies: ["TestSupport", "Evaluation", "Tensor", "Checkpoint"], path: "Tests/EvaluationTests"),
        .testTarget(name: "GenerationTests", dependencies: ["TestSupport", "Generation", "Training", "Models", "NN", "Autograd", "Tensor",
                                                            "Checkpoint", "Imaging", "Tokenizers", "Datasets"],
                    path: "Tests/GenerationTests"),
        .testTarget(name: "RelationsTests", dependencies: ["TestSupport", "Relations", "Training", "Models", "Evaluation", "Datasets", "Imaging",
                                                           "Optim", "NN", "Autograd", "Tensor", "Checkpoint", "Tokenizers"],
                    path: "Tests/RelationsTests"),
        .testTarget(name: "ServerTests", dependencies: ["TestSupport", "RetrievalTestSupport", "Server", "CLIPKit", "Retrieval", "Models", "Imaging"],
                    path: "Tests/ServerTests"),
    ],
    swiftLanguageModes: [.v5]
)
