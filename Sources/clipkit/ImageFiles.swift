import ArgumentParser
import Foundation
import Retrieval

/// Expands command-line image arguments: files are taken as given, folders are listed as
/// `clipkit index` lists them (`ImageFolderSource`: recursive, JPEG/PNG/WebP by extension,
/// hidden files skipped, sorted by path).
enum ImageFiles {
    static func collect(_ paths: [String]) throws -> [URL] {
        try paths.flatMap { path -> [URL] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path) does not exist")
            }
            let url = URL(fileURLWithPath: path)
            return isDirectory.boolValue ? try ImageFolderSource(root: url).files() : [url]
        }
    }
}
