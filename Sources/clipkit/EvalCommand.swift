import ArgumentParser

/// `clipkit eval …`: measure a model on a task. Each task is one subcommand in its own file.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a model: zero-shot classification accuracy on a labelled dataset.",
        subcommands: [EvalZeroShotCommand.self])
}
