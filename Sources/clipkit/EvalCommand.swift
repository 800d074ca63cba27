import ArgumentParser

/// `clipkit eval …`: measure a model on a task. Each task is one subcommand in its own file.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a model: retrieval recall on a captioned dataset, zero-shot accuracy on a labelled one.",
        subcommands: [EvalRetrievalCommand.self, EvalZeroShotCommand.self])
}
