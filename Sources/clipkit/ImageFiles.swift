import ArgumentParser
import FileSystem
import Foundation
import Retrieval

/// Expands command-line image arguments: files are taken as given, folders are listed as
/// `clipkit index` lists them (`ImageFolderSource`: recursive, JPEG/PNG/WebP by extension,
/// hidden files skipped, sorted by path, names as bytes, link loops listed once). Folders that
/// cannot be listed are reported on standard error and the rest goes on.
enum ImageFiles {
    static func collect(_ arguments: [String]) throws -> [FileSystemPath] {
        try arguments.flatMap { argument -> [FileSystemPath] in
            let path = FileSystemPath(commandLineArgument: argument)
            let status: FileStatus
            do throws(FileSystemError) { status = try path.status() } catch {
                throw ValidationError("\(argument): \(error.reason)")
            }
            guard status.kind == .directory else { return [path] }
            let (files, problems) = try ImageFolderSource(root: path).files()
            for problem in problems {
                FileHandle.standardError.write(Data("skipped \(path.appending(FileSystemPath(escapedText: problem.path)).escapedText): \(problem.reason)\n".utf8))
            }
            return files
        }
    }

    /// `collect(_:)` as file URLs, for the commands whose readers take URLs (the image-generation
    /// metrics); a name that is not UTF-8 (which no URL can name) is refused naming it, never dropped.
    static func collectURLs(_ arguments: [String]) throws -> [URL] {
        try collect(arguments).map { path in
            guard let url = path.url else {
                throw ValidationError("\(path.escapedText): the metrics read files by URL and this name is not UTF-8; rename the file")
            }
            return url
        }
    }
}
