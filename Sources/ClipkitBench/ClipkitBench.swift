import ArgumentParser
import Tensor

@main
struct ClipkitBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clipkit-bench",
        abstract: "Measures CLIPKit's speed beside the reference implementation, in the same run.",
        discussion: """
            Each benchmark times CLIPKit, then runs the matching script in scripts/ with a Python that \
            has PyTorch (--python, or $CLIPKIT_REFERENCE_PYTHON) and prints both with their ratio. \
            Build it optimised: swift run -c release clipkit-bench engine
            """,
        subcommands: [EngineBenchmark.self, GenerateBenchmark.self, LayersBenchmark.self, MetricsBenchmark.self, ModelsBenchmark.self,
                      PrecisionBenchmark.self, SearchBenchmark.self, StoreBenchmark.self, StoreIngestWorker.self,
                      DistributedIngestBenchmark.self, TrainBenchmark.self])
}

/// Options every benchmark shares.
struct BenchmarkOptions: ParsableArguments {
    @Option(help: "Threads for CLIPKit and the reference (BLAS and loops).")
    var threads: Int = 2

    @Option(help: "Python interpreter with the reference libraries (default: $CLIPKIT_REFERENCE_PYTHON or python3).")
    var python: String?

    @Flag(help: "Skip the reference and print CLIPKit's numbers only.")
    var noReference = false

    @Option(help: "Minimum seconds spent timing each measurement.")
    var minimumSeconds: Double = 1.0

    /// Sets the thread count for CLIPKit's loops and BLAS, and prints what the build runs on.
    func applyThreads() {
        ThreadPolicy.threadCount = threads
        print(InstructionSet.summary)
    }
}
