import FileSystem
import Foundation

/// The command line as the kernel passed it. Swift decodes `argv` as UTF-8 and replaces bytes that
/// are not UTF-8 by U+FFFD, so a file name such as `caf\xE9.png` (Latin-1, expanded by the shell
/// from `*.png`) would name a file that does not exist. Such arguments are handed to the parser in
/// their escaped text form (`PathTextEscaping`: `caf\xE9.png`), which path options turn back into
/// the original bytes (`FileSystemPath(commandLineArgument:)`); UTF-8 arguments pass unchanged.
enum RawArguments {
    /// The arguments after the program name, non-UTF-8 ones escaped.
    static func escaped() -> [String] {
        (1..<Int(CommandLine.argc)).map { index in
            guard let pointer = CommandLine.unsafeArgv[index] else { return "" }
            let bytes = UnsafeRawBufferPointer(start: pointer, count: strlen(pointer))
            return String(validating: bytes, as: UTF8.self) ?? PathTextEscaping.escapedText(of: bytes)
        }
    }
}

extension FileSystemPath {
    /// The path a command-line argument names: its escaped text read back into bytes (so a name
    /// that is not UTF-8, or one copied from clipkit's output, works), unless the argument names
    /// an existing file literally (a name that really contains a backslash, `x` and two hex digits).
    init(commandLineArgument argument: String) {
        let literal = FileSystemPath(argument)
        let decoded = FileSystemPath(escapedText: argument)
        self = decoded == literal || (try? literal.status()) != nil ? literal : decoded
    }
}
