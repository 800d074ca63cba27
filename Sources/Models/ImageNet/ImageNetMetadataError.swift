import Foundation

/// Why ImageNet's zero-shot metadata could not be read.
public enum ImageNetMetadataError: Error, Equatable, CustomStringConvertible {
    /// The metadata file is not there.
    case missingFile(path: String)
    /// The file has no top-level `name = (…)` / `name = […]` assignment.
    case missingAssignment(name: String)
    /// The literal cannot be read without executing Python.
    case syntax(line: Int, message: String)
    /// The sequence holds another kind of element than expected.
    case unexpectedElements(name: String, expected: String)
    /// The sequence has the wrong length.
    case wrongCount(name: String, count: Int, expected: Int)
    /// Any of the above, with the file it happened in.
    indirect case inFile(path: String, ImageNetMetadataError)

    public var description: String {
        switch self {
        case .missingFile(let path):
            return "\(path) is missing: it ships with the PyPI package open_clip_torch "
                + "(`bash scripts/setup.sh` unpacks it into $CLIPKIT_HOME/packages)"
        case .missingAssignment(let name):
            return "no top-level assignment `\(name) = (…)` or `\(name) = […]`"
        case .syntax(let line, let message):
            return "line \(line): \(message)"
        case .unexpectedElements(let name, let expected):
            return "\(name) should hold only \(expected)"
        case .wrongCount(let name, let count, let expected):
            return "\(name) has \(count) entries, expected \(expected)"
        case .inFile(let path, let error):
            return "\(path): \(error)"
        }
    }
}
