import Foundation
import TestSupport
import Testing

/// `clipkit-default-multilingual` end to end through the `clipkit` executable: scikit-image photos
/// indexed with it, then a Chinese query ("一只猫", a cat) finds the cat photo first.
@Suite(.serialized) struct MultilingualCommandLineTests {
    @Test func aChineseQueryFindsTheCat() throws {
        let folder = try TemporaryFolder()
        let photos = folder.file("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for name in ["chelsea.png", "coffee.png", "rocket.jpg", "astronaut.png", "horse.png", "moon.png", "camera.png", "coins.png"] {
            try FileManager.default.copyItem(at: try TestPaths.installedPackageFile("skimage/data/" + name), to: photos.appendingPathComponent(name))
        }
        let store = folder.file("photos.db").path
        let tests = CommandLineTests()
        let index = try tests.clipkit(["index", photos.path, "--db", store, "--model", "clipkit-default-multilingual"])
        #expect(index.status == 0, "\(index.errors)")
        #expect(index.errors.contains("clipkit-default-multilingual"))
        let search = try tests.clipkit(["search", "--db", store, "--text", "一只猫", "-k", "3", "--format", "csv"])
        #expect(search.status == 0, "\(search.errors)")
        let rows = search.output.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 4 && rows[1][2] == "chelsea.png", "\(search.output)")
        // The store remembers its model: an English query through the same store works too.
        let english = try tests.clipkit(["search", "--db", store, "--text", "a rocket launch", "-k", "1", "--format", "csv"])
        #expect(english.output.split(separator: "\n").dropFirst().first?.split(separator: ",")[2] == "rocket.jpg", "\(english.output)")
    }

    /// `classify --labels imagenet --language zh`: cn_clip's Chinese class names; the cat photo's
    /// best classes are cats, the coffee photo's espresso. An unknown language is refused.
    @Test func classifyInChinese() throws {
        let tests = CommandLineTests()
        let cat = try TestPaths.installedPackageFile("skimage/data/chelsea.png").path
        let coffee = try TestPaths.installedPackageFile("skimage/data/coffee.png").path
        let run = try tests.clipkit(["classify", cat, coffee, "--labels", "imagenet", "--language", "zh", "--template", "{}的照片。",
                                     "--model", "clipkit-default-multilingual", "--top", "2"])
        #expect(run.status == 0, "\(run.errors)")
        let lines = run.output.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("chelsea.png: ") && lines[0].contains("猫"), "\(run.output)")
        #expect(lines.count == 2 && lines[1].hasPrefix("coffee.png: 意式浓缩咖啡"), "\(run.output)")  // espresso
        let refused = try tests.clipkit(["classify", cat, "--labels", "imagenet", "--language", "fr"])
        #expect(refused.status != 0 && refused.errors.contains("--language must be en or zh, got fr"), "\(refused.errors)")
    }
}
