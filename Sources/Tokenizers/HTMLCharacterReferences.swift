/// Decoding of HTML character references (`&amp;`, `&#233;`, `&#xE9;`), in two flavours:
///
/// - `unescape`: the HTML5 tokenizer's rules as Python's `html.unescape` applies them to plain
///   text (WHATWG HTML §13.2.5.72–80): numeric references with or without `;`, C1 numbers read as
///   Windows-1252, invalid numbers → U+FFFD or nothing; named references by exact match, else the
///   longest legacy name without semicolon that prefixes the text (`&notit;` → `¬it;`).
/// - `unescapeStrict`: the cautious variant of ftfy's `fix_text`: only references that end in
///   `;` and whose name is 1–24 ASCII letters or digits, plus all-capital spellings of lowercase
///   entity names (`&EACUTE;` → `É`) when that capital spelling means nothing else.
enum HTMLCharacterReferences {
    /// Named references from the HTML standard, keyed without the leading `&`.
    static let named: [String: [Unicode.Scalar]] = {
        var table: [String: [Unicode.Scalar]] = [:]
        table.reserveCapacity(2_300)
        for line in htmlNamedCharacterReferenceLines.split(separator: "\n") {
            let fields = line.split(separator: " ")
            table[String(fields[0])] = fields.dropFirst().map { Unicode.Scalar(UInt32($0, radix: 16)!)! }
        }
        return table
    }()

    /// Entities ftfy decodes: `&name;` for every semicolon-terminated standard name, plus
    /// `&NAME;` (value upper-cased) for all-lowercase names whose capital form is not decoded
    /// by `unescape`.
    static let strictEntities: [String: [Unicode.Scalar]] = {
        var table: [String: [Unicode.Scalar]] = [:]
        for (name, value) in named where name.hasSuffix(";") {
            table["&" + name] = value
            guard name == name.lowercased() else { continue }
            let capital = "&" + name.uppercased()
            let capitalScalars = Array(capital.unicodeScalars)
            if unescape(capitalScalars) == capitalScalars {
                let upper = PythonStringRules.uppercased(String(String.UnicodeScalarView(value)))
                table[capital] = Array(upper.unicodeScalars)
            }
        }
        return table
    }()

    /// Python's `html.unescape`.
    static func unescape(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        unescape(AlignedText<SourcesIgnored>(text)).scalars
    }

    /// Python's `html.unescape` with sources: a decoded reference covers the whole reference,
    /// and the characters a reference keeps as they were (all of an unknown one, the rest after
    /// a legacy name prefix as in `&notit;` → `¬it;`) keep their own.
    static func unescape<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        let scalars = text.scalars
        guard scalars.contains("&") else { return text }
        var output = AlignedText<Tracking>.emptyOutput(reservingCapacity: scalars.count)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "&", let reference = reference(in: scalars, at: index) {
                let keptStart = reference.end - reference.keptCount
                if keptStart > index {
                    output.append(contentsOf: reference.decoded.dropLast(reference.keptCount), source: text.source(of: index..<keptStart))
                }
                output.append(text, range: keptStart..<reference.end)
                index = reference.end
            } else {
                output.append(scalarAt: index, of: text)
                index += 1
            }
        }
        return output
    }

    /// ftfy's `unescape_html`.
    static func unescapeStrict(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        unescapeStrict(AlignedText<SourcesIgnored>(text)).scalars
    }

    /// ftfy's `unescape_html` with sources: a decoded reference covers the whole reference.
    static func unescapeStrict<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        let scalars = text.scalars
        guard scalars.contains("&") else { return text }
        var output = AlignedText<Tracking>.emptyOutput(reservingCapacity: scalars.count)
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "&", let end = strictReferenceEnd(in: scalars, at: index) else {
                output.append(scalarAt: index, of: text)
                index += 1
                continue
            }
            let match = Array(scalars[index..<end])
            var decoded: [Unicode.Scalar]? = nil
            if let value = strictEntities[String(String.UnicodeScalarView(match))] {
                decoded = value
            } else if match[1] == "#" {
                let unescaped = unescape(match)
                if !unescaped.contains(";") { decoded = unescaped }
            }
            if let decoded {
                output.append(contentsOf: decoded, source: text.source(of: index..<end))
            } else {
                output.append(text, range: index..<end)
            }
            index = end
        }
        return output
    }

    /// End of `&#?[0-9A-Za-z]{1,24};` starting at `start`, if it matches there.
    private static func strictReferenceEnd(in text: [Unicode.Scalar], at start: Int) -> Int? {
        var index = start + 1
        if index < text.count && text[index] == "#" { index += 1 }
        let nameStart = index
        while index < text.count && index - nameStart < 24 && isASCIIAlphanumeric(text[index]) { index += 1 }
        guard index > nameStart, index < text.count, text[index] == ";" else { return nil }
        return index + 1
    }

    /// The reference starting with the `&` at `start`: its decoded text, its end index, and how
    /// many of its last scalars the decoded text ends with unchanged (they are copied, not
    /// decoded); nil when no reference pattern matches there (the `&` is then kept as it is).
    private static func reference(in text: [Unicode.Scalar], at start: Int) -> (decoded: [Unicode.Scalar], end: Int, keptCount: Int)? {
        var index = start + 1
        guard index < text.count else { return nil }
        if text[index] == "#" {
            index += 1
            var hexadecimal = false
            if index < text.count && (text[index] == "x" || text[index] == "X") {
                hexadecimal = true
                index += 1
            }
            let digitsStart = index
            var number: UInt32 = 0
            while index < text.count, let digit = digitValue(text[index], hexadecimal: hexadecimal) {
                // Saturate just above the code space: every larger number decodes the same way.
                number = min(number * (hexadecimal ? 16 : 10) + digit, 0x11_0000)
                index += 1
            }
            guard index > digitsStart else { return nil }
            if index < text.count && text[index] == ";" { index += 1 }
            return (numericReference(number), index, 0)
        }
        // A name: 1–32 characters other than tab, line feed, form feed, space, `<`, `&`, `#`, `;`.
        while index < text.count && index - (start + 1) < 32 && !endsName(text[index]) { index += 1 }
        guard index > start + 1 else { return nil }
        if index < text.count && text[index] == ";" { index += 1 }
        let name = text[(start + 1)..<index]
        if let value = named[String(String.UnicodeScalarView(name))] { return (value, index, 0) }
        // The longest prefix (at least two characters) that is a name.
        var length = name.count - 1
        while length > 1 {
            let prefix = name.prefix(length)
            if let value = named[String(String.UnicodeScalarView(prefix))] {
                return (value + name.dropFirst(length), index, name.count - length)
            }
            length -= 1
        }
        return (Array(text[start..<index]), index, index - start)
    }

    private static func numericReference(_ number: UInt32) -> [Unicode.Scalar] {
        if number == 0 { return ["\u{FFFD}"] }
        if number == 0x0D { return ["\r"] }
        if number >= 0x80 && number <= 0x9F { return [WindowsCodePage1252.character(forByte: UInt8(number))] }
        if (0xD800...0xDFFF).contains(number) || number > 0x10FFFF { return ["\u{FFFD}"] }
        if isDisallowedCodePoint(number) { return [] }
        return [Unicode.Scalar(number)!]
    }

    /// Code points a numeric reference may not produce: C0 controls other than tab, line feed,
    /// form feed and carriage return; DEL; C1; and the noncharacters.
    private static func isDisallowedCodePoint(_ number: UInt32) -> Bool {
        switch number {
        case 0x01...0x08, 0x0B, 0x0E...0x1F, 0x7F...0x9F, 0xFDD0...0xFDEF: return true
        default: return number & 0xFFFE == 0xFFFE
        }
    }

    private static func endsName(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\u{0C}", " ", "<", "&", "#", ";": return true
        default: return false
        }
    }

    private static func digitValue(_ scalar: Unicode.Scalar, hexadecimal: Bool) -> UInt32? {
        switch scalar.value {
        case 0x30...0x39: return scalar.value - 0x30
        case 0x41...0x46 where hexadecimal: return scalar.value - 0x41 + 10
        case 0x61...0x66 where hexadecimal: return scalar.value - 0x61 + 10
        default: return nil
        }
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return false
        }
    }
}

/// Windows code page 1252 for the bytes 0x80–0x9F, with the five unassigned bytes read as the
/// C1 control of the same number (the "sloppy" reading browsers and ftfy use).
enum WindowsCodePage1252 {
    private static let c1Block: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D, 0x17D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178,
    ]

    /// The character for a byte in 0x80–0x9F.
    static func character(forByte byte: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(c1Block[Int(byte) - 0x80])!
    }
}
