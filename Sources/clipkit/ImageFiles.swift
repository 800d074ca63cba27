import ArgumentParser
import Foundation

/// Expands command-line image arguments: files are taken as given, folders are searched
/// recursively for JPEG, PNG and WebP files (sorted by path, hidden files skipped).
enum ImageFiles {
    static let extensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    static func collect(_ paths: [String]) throws -> [URL] {
        var files: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path) does not exist")
            }
            let url = URL(fileURLWithPath: path)
            guard isDirectory.boolValue else {
                files.append(url)
                continue
            }
            let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey],
                                                            options: [.skipsHiddenFiles])
            var found: [URL] = []
            while let next = enumerator?.nextObject() as? URL {
                if extensions.contains(next.pathExtension.lowercased()) { found.append(next) }
            }
            files += found.sorted { $0.path < $1.path }
        }
        return files
    }
}
