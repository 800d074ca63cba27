import Foundation
import Testing
@testable import Tokenizers

private func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }
private func text(_ scalars: [Unicode.Scalar]) -> String { String(String.UnicodeScalarView(scalars)) }

/// The text rules behind CLIP's cleaning, against values printed by Python 3.11: `html.unescape`,
/// `ftfy.fix_text(text, fix_encoding=False)` (ftfy 6.3) and `str.lower`.
@Suite struct TextCleaningTests {
    @Test(arguments: [
        ("&amp;", "&"), ("&amp", "&"), ("&notit;", "\u{AC}it;"), ("&notin;", "\u{2209}"), ("&#65;", "A"),
        ("&#x41", "A"), ("&#0;", "\u{FFFD}"), ("&#128;", "\u{20AC}"), ("&#x110000;", "\u{FFFD}"), ("&#1;", ""),
        ("&#13;", "\r"), ("&#xFFFE;", ""), ("&abc;", "&abc;"), ("a &lt b", "a < b"),
        ("&#99999999999999999999999;", "\u{FFFD}"), ("&;", "&;"), ("&#;", "&#;"), ("&AMP;", "&"),
        ("&EACUTE;", "&EACUTE;"), ("&amp;lt;", "&lt;"),
    ])
    func pythonHTMLUnescape(input: String, expected: String) {
        #expect(text(HTMLCharacterReferences.unescape(scalars(input))).unicodeScalars.elementsEqual(expected.unicodeScalars))
    }

    @Test(arguments: [
        ("&EACUTE;", "\u{C9}"), ("&SZLIG;", "SS"), ("&nTILDE;", "&nTILDE;"), ("&amp;lt;", "<"), ("&amp", "&amp"),
        ("&#65;", "A"), ("&#65a;", "&#65a;"), ("a < b &amp; c", "a < b &amp; c"),
        ("x &amp;\n<y>\n&amp;", "x &\n<y>\n&amp;"), ("x &amp;\n&amp;", "x &\n&"), ("\u{FB01}ne", "fine"),
        ("\u{FF2C}\u{FF2F}\u{FF35}\u{FF24}\u{3000}\u{FF2E}\u{FF2F}\u{FF29}\u{FF33}\u{FF25}\u{FF33}", "LOUD NOISES"),
        ("\u{FF76}\u{FF9E}", "\u{30AC}"), ("\u{201C}a\u{201D} \u{2018}b\u{2019} \u{2BC}c", "\"a\" 'b' 'c"),
        ("a\r\nb\rc\u{2028}d", "a\nb\nc\nd"), ("\u{1B}[31mred\u{1B}[0m", "red"), ("\u{1B}[x", ""),
        ("\u{0}a\u{B}b\u{C}c\u{FEFF}d", "ab\u{C}cd"), ("\u{80}\u{81}\u{93}hi\u{94}", "\u{20AC}\u{81}\"hi\""),
        ("e\u{301}", "\u{E9}"), ("\u{149}", "'n"), ("\u{85}", "\u{2026}"),
    ])
    func ftfyFixesWithoutMojibakeRepair(input: String, expected: String) {
        #expect(text(TextRepair.fixText(scalars(input))).unicodeScalars.elementsEqual(expected.unicodeScalars))
    }

    @Test(arguments: [
        ("\u{39F}\u{394}\u{39F}\u{3A3}", "\u{3BF}\u{3B4}\u{3BF}\u{3C2}"),
        ("\u{39F}\u{394}\u{39F}\u{3A3}.", "\u{3BF}\u{3B4}\u{3BF}\u{3C2}."),
        ("\u{39F}\u{394}\u{39F}\u{3A3}.\u{391}", "\u{3BF}\u{3B4}\u{3BF}\u{3C3}.\u{3B1}"),
        ("\u{3A3}", "\u{3C3}"), ("\u{391}\u{3A3}'\u{392}", "\u{3B1}\u{3C3}'\u{3B2}"), ("\u{130}", "i\u{307}"),
        ("\u{1E9E}", "\u{DF}"), ("\u{1C5}", "\u{1C6}"), ("\u{391}\u{3A3}\u{301}", "\u{3B1}\u{3C2}\u{301}"),
    ])
    func pythonLowercasing(input: String, expected: String) {
        #expect(text(PythonStringRules.lowercased(scalars(input))).unicodeScalars.elementsEqual(expected.unicodeScalars))
    }

    @Test func pythonWhitespaceRules() {
        let spaces: [UInt32] = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                                0x2000, 0x2005, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
        for value in spaces { #expect(PythonStringRules.isWhitespace(Unicode.Scalar(value)!)) }
        for value: UInt32 in [0x00, 0x08, 0x21, 0x180E, 0x200B, 0xFEFF] { #expect(!PythonStringRules.isWhitespace(Unicode.Scalar(value)!)) }
        #expect(text(PythonStringRules.collapsingWhitespace(scalars("\u{3000} a \t\n b\u{1C}c  "))) == "a b c")
    }

    @Test func clipCleaningPipeline() throws {
        let tokenizer = try InstalledTokenizers.clip.get()
        #expect(tokenizer.cleanText("  Tom &amp;amp; JERRY\u{2019}s\t\tﬁsh  ") == "tom & jerry's fish")
        #expect(tokenizer.cleanText("a < b &amp; c") == "a < b & c", "html.unescape runs even where ftfy kept entities")
        #expect(tokenizer.cleanText("\u{0}\u{1B}[1m\u{200B}") == "\u{200B}")
    }

    @Test func byteLevelAlphabetIsAPermutation() {
        let characters = ByteLevelAlphabet.characterForByte
        #expect(Set(characters).count == 256)
        #expect(characters[Int(UInt8(ascii: "a"))] == "a")
        #expect(characters[0x20] == "\u{120}", "space is the 33rd shifted byte")
        #expect(characters[0x00] == "\u{100}")
        #expect(characters[0xAD] == "\u{143}")
        #expect(ByteLevelAlphabet.decode(ByteLevelAlphabet.encode(Array(0...255))) == Array(0...255))
    }
}

@Suite struct GzippedMergesTests {
    @Test func aDamagedGzipMergesFileIsATokenizerError() throws {
        // `printf 'hello gzip\n' | gzip -n | xxd -i`, its CRC-32 damaged.
        var member: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xCB, 0x48, 0xCD, 0xC9, 0xC9,
                               0x57, 0x48, 0xAF, 0xCA, 0x2C, 0xE0, 0x02, 0x00, 0x39, 0x7C, 0x63, 0x56, 0x0B, 0x00, 0x00, 0x00]
        member[25] ^= 0xFF
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("merges-\(UUID().uuidString).txt.gz")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(member).write(to: url)
        #expect(throws: TokenizerError.corruptGzip(reason: "gzip member 1 is corrupt (incorrect data check)")) {
            try CLIPTokenizer(mergesFile: url)
        }
        try Data(member.prefix(20)).write(to: url)
        #expect(throws: TokenizerError.self) { try CLIPTokenizer(mergesFile: url) }
    }
}
