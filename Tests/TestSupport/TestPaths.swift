import Foundation

/// Locations the test suites read from: committed fixtures and files installed by `scripts/setup.sh`.
public enum TestPaths {
    /// `Tests/Fixtures` of this checkout.
    public static let fixtures: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // TestSupport
        .deletingLastPathComponent()   // Tests
        .appendingPathComponent("Fixtures", isDirectory: true)

    /// The root of this checkout.
    public static let repository: URL = fixtures.deletingLastPathComponent().deletingLastPathComponent()

    /// The Database of Faces (AT&T/ORL) committed under `data/orl-faces`: s1…s40, ten PNGs each.
    public static let orlFaces: URL = repository.appendingPathComponent("data/orl-faces", isDirectory: true)

    /// A fixture group folder written by `scripts/make_fixtures.py` (`ops`, `imaging`, ...).
    public static func fixture(_ group: String, _ name: String) -> URL {
        fixtures.appendingPathComponent(group, isDirectory: true).appendingPathComponent(name)
    }

    /// `$CLIPKIT_HOME`, default `~/.cache/clipkit`.
    public static var clipkitHome: URL {
        if let home = ProcessInfo.processInfo.environment["CLIPKIT_HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home, isDirectory: true)
        }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/clipkit", isDirectory: true)
    }

    /// A file from a PyPI package unpacked by `scripts/setup.sh`; throws with instructions when absent.
    public static func installedPackageFile(_ relativePath: String) throws -> URL {
        let url = clipkitHome.appendingPathComponent("packages", isDirectory: true).appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingInstalledFile(path: url.path)
        }
        return url
    }
}

/// A file that `scripts/setup.sh` installs is missing.
public struct MissingInstalledFile: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "\(path) is missing: run `bash scripts/setup.sh` (or `make test`) first" }
}
