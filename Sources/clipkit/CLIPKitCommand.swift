import ArgumentParser
import Tensor

@main
struct CLIPKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clipkit",
        abstract: "CLIPKit: joint image–text embeddings (the CLIP family) in Swift.",
        discussion: """
            Search your photos: `clipkit index ~/Pictures --db photos.db`, then \
            `clipkit search --db photos.db --text "a cat"`. Run `clipkit help <command>` for details and examples.
            """,
        version: CLIPKitVersion.string,
        subcommands: [IndexCommand.self, SearchCommand.self, RetrieveCommand.self, ServeCommand.self, EmbedCommand.self, ClassifyCommand.self,
                      EvalCommand.self, ExportCommand.self, RelationsCommand.self, ModelsCommand.self, TrainCommand.self, CheckpointCommand.self, ImageCommand.self,
                      GenerateCommand.self, VersionCommand.self])

    /// Parses the raw command line, so file names that are not UTF-8 survive (`RawArguments`).
    static func main() async {
        await main(RawArguments.escaped())
    }
}

enum CLIPKitVersion {
    static let string = "0.1.0"
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print CLIPKit's version, the engine's thread settings and the instruction set it was built for.")

    func run() {
        print("clipkit \(CLIPKitVersion.string)")
        print("threads: \(ThreadPolicy.threadCount) (set CLIPKIT_NUM_THREADS to change; BLAS uses the same count)")
        print("instruction set: \(InstructionSet.compiled) (build with CLIPKIT_PORTABLE=1 for any x86-64 CPU)")
        if let processor = InstructionSet.processor { print("processor: \(processor)") }
    }
}
