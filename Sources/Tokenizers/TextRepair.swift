/// The text fixes of ftfy's `fix_text` (Speer, "ftfy: fixes text for you", 2012–2024) that apply
/// to well-formed Unicode text, with ftfy's default settings:
///
/// 1. The text is cut into segments after each line feed (and every 1,000,000 code points).
///    HTML references are decoded only until a segment holding a literal `<` is met: ftfy then
///    takes the text for real HTML and keeps entities in that segment and every later one.
/// 2. Each segment is fixed repeatedly until a round changes nothing. A round runs, in order:
///    `unescape_html` (strict references, see `HTMLCharacterReferences.unescapeStrict`);
///    `fix_c1_controls` (U+0080–U+009F read as Windows-1252); `fix_latin_ligatures`
///    (ﬁ → fi, Ǉ → LJ, …); `fix_character_width` (fullwidth ASCII and halfwidth kana/Hangul to
///    standard width, U+3000 → space); `uncurl_quotes` (‘ ’ ‚ ‛ ʼ → ', “ ” „ ‟ → ");
///    `fix_line_breaks` (CR LF, CR, U+2028, U+2029, U+0085 → LF); `remove_terminal_escapes`
///    (ESC `[` digits/`;` letter); `remove_control_chars` (C0 controls except tab, LF, FF, CR;
///    DEL; U+206A–U+206F; BOM; U+FFF9–U+FFFC); NFC normalization.
///
/// What ftfy does and this does not:
/// - `fix_encoding` (mojibake repair: re-decoding text such as `cafÃ©` that was decoded with the
///   wrong single-byte code page, including `restore_byte_a0`, `replace_lossy_sequences` and
///   `decode_inconsistent_utf8`). It rests on a heuristic "badness" score with hand-tuned
///   character classes and is not reproduced; such text is left as it is.
/// - `fix_surrogates`: a Swift `String` cannot hold lone surrogates, so there is nothing to fix.
///
/// Cost: linear in the text per round; like ftfy, k-fold nested entities (`&amp;amp;…lt;`) take
/// k rounds.
enum TextRepair {
    static let maximumSegmentLength = 1_000_000

    static func fixText(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        fixText(AlignedText<SourcesIgnored>(text)).scalars
    }

    /// `fix_text` with sources (see `AlignedText`).
    static func fixText<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        let scalars = text.scalars
        var output = AlignedText<Tracking>.emptyOutput(reservingCapacity: scalars.count)
        var decodesHTML = true
        var start = 0
        while start < scalars.count {
            var end = start
            while end < scalars.count && scalars[end] != "\n" { end += 1 }
            end = min(end < scalars.count ? end + 1 : end, start + maximumSegmentLength)
            if start == 0 && end == scalars.count {
                return fixSegment(text, decodesHTML: !scalars.contains("<"))
            }
            let segment = text[start..<end]
            if decodesHTML && segment.scalars.contains("<") { decodesHTML = false }
            output.append(fixSegment(segment, decodesHTML: decodesHTML))
            start = end
        }
        return output
    }

    static func fixSegment<Tracking>(_ segment: AlignedText<Tracking>, decodesHTML: Bool) -> AlignedText<Tracking> {
        if isUnaffected(segment.scalars) { return segment }
        var text = segment
        while true {
            let original = text.scalars
            if decodesHTML { text = HTMLCharacterReferences.unescapeStrict(text) }
            text = translatedCharacters(text)
            text = unifiedLineBreaks(text)
            text = removingTerminalEscapes(text)
            text = text.removingAll(where: isRemovedControl)
            text = UnicodeNormalization.composed(text)
            if text.scalars == original { return text }
        }
    }

    /// Printable ASCII, tab, line feed and form feed, with no `&`: no fix changes such text.
    private static func isUnaffected(_ text: [Unicode.Scalar]) -> Bool {
        text.allSatisfy { scalar in
            let value = scalar.value
            return (value >= 0x20 && value < 0x7F && value != 0x26) || value == 0x09 || value == 0x0A || value == 0x0C
        }
    }

    /// The four one-character-at-a-time fixes, composed: C1 controls, Latin ligatures,
    /// character width, curly quotes. Each output scalar covers its input scalar.
    private static func translatedCharacters<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        var output = AlignedText<Tracking>.emptyOutput(reservingCapacity: text.count)
        for (index, original) in text.scalars.enumerated() {
            let source = text.source(at: index)
            if original.isASCII {
                output.append(original, source: source)
                continue
            }
            var scalar = original
            if scalar.value <= 0x9F { scalar = WindowsCodePage1252.character(forByte: UInt8(scalar.value)) }
            // The outputs of one step never feed an earlier step's table, so one lookup each is exact.
            if (0x132...0xFB06).contains(scalar.value), let letters = latinLigatures[scalar.value] {
                for letter in letters.unicodeScalars { output.append(straightenedQuote(letter), source: source) }
            } else if scalar.value == 0x3000 || (0xFF01...0xFFEF).contains(scalar.value), let standard = widthMap[scalar.value] {
                for character in standard { output.append(straightenedQuote(character), source: source) }
            } else {
                output.append(straightenedQuote(scalar), source: source)
            }
        }
        return output
    }

    private static func straightenedQuote(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x2BC, 0x2018...0x201B: return "'"
        case 0x201C...0x201F: return "\""
        default: return scalar
        }
    }

    /// Single-character ligatures of Latin letters and the Serbo-Croatian/Afrikaans digraphs.
    private static let latinLigatures: [UInt32: String] = [
        0x132: "IJ", 0x133: "ij", 0x149: "\u{2BC}n",
        0x1F1: "DZ", 0x1F2: "Dz", 0x1F3: "dz",
        0x1C4: "D\u{17D}", 0x1C5: "D\u{17E}", 0x1C6: "d\u{17E}",
        0x1C7: "LJ", 0x1C8: "Lj", 0x1C9: "lj",
        0x1CA: "NJ", 0x1CB: "Nj", 0x1CC: "nj",
        0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl",
        0xFB05: "\u{17F}t", 0xFB06: "st",
    ]

    /// U+3000 → space, and every character of the Halfwidth and Fullwidth Forms block
    /// (U+FF01–U+FFEF) that NFKC changes → its NFKC form.
    private static let widthMap: [UInt32: [Unicode.Scalar]] = {
        var map: [UInt32: [Unicode.Scalar]] = [0x3000: [" "]]
        for value in UInt32(0xFF01)..<0xFFF0 {
            guard let scalar = Unicode.Scalar(value), scalar.properties.generalCategory != .unassigned else { continue }
            let alternate = UnicodeNormalization.compatibilityComposed(scalar)
            if alternate != [scalar] { map[value] = alternate }
        }
        return map
    }()

    /// CR LF becomes one line feed covering both.
    private static func unifiedLineBreaks<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        let scalars = text.scalars
        guard scalars.contains(where: { $0 == "\r" || $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }) else { return text }
        var output = AlignedText<Tracking>.emptyOutput(reservingCapacity: scalars.count)
        var index = 0
        while index < scalars.count {
            switch scalars[index] {
            case "\r":
                let length = index + 1 < scalars.count && scalars[index + 1] == "\n" ? 2 : 1
                output.append("\n", source: text.source(of: index..<(index + length)))
                index += length - 1
            case "\u{2028}", "\u{2029}", "\u{85}":
                output.append("\n", source: text.source(at: index))
            default:
                output.append(scalarAt: index, of: text)
            }
            index += 1
        }
        return output
    }

    /// Removes `ESC [ (decimal digit | ;)* ASCII-letter`; "decimal digit" is any Nd character,
    /// as `\d` means in a Python 3 regular expression.
    private static func removingTerminalEscapes<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        let scalars = text.scalars
        guard scalars.contains("\u{1B}") else { return text }
        var output = AlignedText<Tracking>.emptyOutput(reservingCapacity: scalars.count)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\u{1B}", index + 1 < scalars.count, scalars[index + 1] == "[" {
                var end = index + 2
                while end < scalars.count && (scalars[end] == ";" || scalars[end].properties.generalCategory == .decimalNumber) { end += 1 }
                if end < scalars.count, scalars[end].isASCII, scalars[end].properties.isAlphabetic {
                    index = end + 1
                    continue
                }
            }
            output.append(scalarAt: index, of: text)
            index += 1
        }
        return output
    }

    private static func isRemovedControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0x206A...0x206F, 0xFEFF, 0xFFF9...0xFFFC: return true
        default: return false
        }
    }
}
