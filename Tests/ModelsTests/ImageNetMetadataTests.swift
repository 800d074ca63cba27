import Foundation
import Models
import TestSupport
import Testing

/// ImageNet class names and prompt templates read from open_clip's `zero_shot_metadata.py`
/// (installed by `scripts/setup.sh` from open_clip_torch) without executing Python.
@Suite struct ImageNetMetadataTests {
    @Test func installedFileHasTheThousandClassesAndTheTemplates() throws {
        let url = try TestPaths.installedPackageFile("open_clip/zero_shot_metadata.py")
        let metadata = try ImageNetZeroShotMetadata(contentsOf: url)
        #expect(metadata.classNames.count == 1000)
        #expect(metadata.classNames.first == "tench")
        #expect(metadata.classNames[1] == "goldfish")
        #expect(metadata.classNames[504] == "coffee mug")
        #expect(metadata.classNames.last == "toilet paper")
        #expect(metadata.classNames.contains("Geoffroy's spider monkey"))
        #expect(metadata.openAITemplates.count == 80)
        #expect(metadata.openAITemplates.first?.filled(with: "tench") == "a bad photo of a tench.")
        #expect(metadata.openAITemplates.last?.description == "a tattoo of the {}.")
        #expect(metadata.simpleTemplates.count == 7)
        #expect(metadata.simpleTemplates.first?.filled(with: "cat") == "itap of a cat.")
        #expect(metadata.prompts(forClass: 1).count == 80)
        #expect(metadata.prompts(forClass: 1)[1] == "a photo of many goldfish.")
    }

    @Test func aMissingFileSaysWhereItComesFrom() {
        let url = URL(fileURLWithPath: "/nonexistent/open_clip/zero_shot_metadata.py")
        #expect {
            try ImageNetZeroShotMetadata(contentsOf: url)
        } throws: { error in
            let message = "\(error)"
            return error as? ModelError == .missingImageNetMetadata(path: url.path)
                && message.contains("/nonexistent/open_clip/zero_shot_metadata.py is missing")
                && message.contains("open_clip_torch")
        }
    }

    /// A source with the given class-name literal (999 filler names follow) and templates.
    func source(firstClass: String, templates: String = "(lambda c: f'a {c}.',)") -> String {
        let filler = (1..<1000).map { "\"class \($0)\"" }.joined(separator: ", ")
        return """
        # comment with a quote ' and "IMAGENET_CLASSNAMES = ("
        OPENAI_IMAGENET_TEMPLATES = \(templates)

        IMAGENET_CLASSNAMES = [
            \(firstClass),  # trailing comment
            \(filler),
        ]
        """
    }

    @Test(arguments: [
        (#""tench""#, "tench"),
        (#"'it\'s'"#, "it's"),
        (#""tab\tand \x41\u00e9\101""#, "tab\tand AéA"),
        (#""unknown \q escape""#, "unknown \\q escape"),
        (#"r"raw \n""#, "raw \\n"),
        (#""con" 'cat' """enated""""#, "concatenated"),
        ("\"\"\"two\nlines\"\"\"", "two\nlines"),
        (#"u"ü""#, "ü"),
    ])
    func stringLiteralsDecodeAsPythonDoes(literal: String, expected: String) throws {
        let metadata = try ImageNetZeroShotMetadata(source: source(firstClass: literal))
        #expect(metadata.classNames.first == expected)
        #expect(metadata.classNames.last == "class 999")
        #expect(metadata.simpleTemplates.isEmpty)
    }

    @Test func templatesAcceptAnyParameterNameAndEscapedBraces() throws {
        let metadata = try ImageNetZeroShotMetadata(source: source(
            firstClass: "'x'", templates: "(lambda name: f'{{a}} {name} and {name}', lambda c: F\"plain\")"))
        #expect(metadata.openAITemplates.map(\.description) == ["{a} {} and {}", "plain"])
        #expect(metadata.openAITemplates[0].filled(with: "cat") == "{a} cat and cat")
    }

    @Test(arguments: [
        ("'x'", "(lambda c: f'{c.upper()}',)", "f-string field {c.upper()} is not the lambda's parameter {c}"),
        ("'x'", "(lambda c: 'no f-string',)", "expected `lambda c: f'…{c}…'`"),
        ("'x'", "(str.format,)", "OPENAI_IMAGENET_TEMPLATES: expected a string literal"),
        ("open('/etc/passwd').read()", "(lambda c: f'{c}',)", "IMAGENET_CLASSNAMES: expected a string literal"),
        ("'x' 'y' + 'z'", "(lambda c: f'{c}',)", "expected ',' or ']'"),
        ("b'bytes'", "(lambda c: f'{c}',)", "expected a plain string, found a b-string"),
        ("'unterminated", "(lambda c: f'{c}',)", "unterminated string literal"),
        (#"'\N{EM DASH}'"#, "(lambda c: f'{c}',)", "named \\N{…} escapes are not supported"),
        ("'x'", "('not a template',)", "OPENAI_IMAGENET_TEMPLATES should hold only lambda f-string templates"),
    ])
    func anythingButLiteralsIsRejected(firstClass: String, templates: String, message: String) {
        #expect {
            try ImageNetZeroShotMetadata(source: source(firstClass: firstClass, templates: templates))
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func countsAndAssignmentsAreChecked() {
        #expect(throws: ModelError.wrongCount(name: "IMAGENET_CLASSNAMES", count: 1001, expected: 1000)) {
            try ImageNetZeroShotMetadata(source: source(firstClass: "'a', 'b'"))
        }
        #expect(throws: ModelError.missingAssignment(name: "IMAGENET_CLASSNAMES")) {
            try ImageNetZeroShotMetadata(source: "OPENAI_IMAGENET_TEMPLATES = ()\nx = IMAGENET_CLASSNAMES = ('a',)")
        }
    }
}

/// cn_clip's Chinese ImageNet names and templates, read as data like open_clip's.
@Suite struct ChineseImageNetMetadataTests {
    @Test func installedChineseNamesAndTemplatesAreRead() throws {
        let chinese = try ImageNetZeroShotMetadata.installed(language: .chinese)
        let english = try ImageNetZeroShotMetadata.installed(language: .english)
        #expect(chinese.classNames.count == 1000 && chinese.openAITemplates.count == english.openAITemplates.count)
        #expect(chinese.classNames[0] == "丁鲷" && chinese.classNames[281] == "虎斑猫" && chinese.classNames[999] == "卫生纸")  // tench, tabby cat, toilet paper
        #expect(chinese.openAITemplates[0].filled(with: "猫") == "猫的照片。")
        #expect(chinese.simpleTemplates.isEmpty)
        #expect(ImageNetLanguage(named: "zh") == .chinese && ImageNetLanguage(named: "English") == .english && ImageNetLanguage(named: "fr") == nil)
    }
}
