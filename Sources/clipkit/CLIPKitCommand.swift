import ArgumentParser

@main
struct CLIPKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clipkit", abstract: "CLIPKit")
}
