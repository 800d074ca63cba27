import ArgumentParser

/// `clipkit export …`: writes data sets CLIPKit reads in other forms as ordinary image files.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a data set as image files.",
        subcommands: [ExportFashionMNISTCommand.self, ExportScenesCommand.self])
}
