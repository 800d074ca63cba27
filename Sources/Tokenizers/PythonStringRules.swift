/// The few rules of Python 3's `str` type that the reference tokenizers (open_clip, Hugging Face,
/// Google's BERT) rely on, written over Unicode scalars because Python strings are sequences of
/// code points, not grapheme clusters.
enum PythonStringRules {
    /// `str.isspace()`: bidirectional class WS, B or S, or general category Zs. This is the set
    /// `str.split()` and `str.strip()` cut on; it includes the information separators U+001C–U+001F.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20: return true
        case 0x21..<0x85: return false
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// `str.strip()` with no argument.
    static func stripped(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }) else { return [] }
        let last = scalars.lastIndex(where: { !isWhitespace($0) })!
        if first == 0 && last == scalars.count - 1 { return scalars }
        return Array(scalars[first...last])
    }

    /// `" ".join(text.split())`: whitespace runs become one space, ends are trimmed.
    static func collapsingWhitespace(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        collapsingWhitespace(AlignedText<SourcesIgnored>(scalars)).scalars
    }

    /// `" ".join(text.split())` with sources: each space covers the run it replaces.
    static func collapsingWhitespace<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        var output = AlignedText<Tracking>.emptyOutput(reservingCapacity: text.count)
        var runStart: Int? = nil
        for (index, scalar) in text.scalars.enumerated() {
            if isWhitespace(scalar) {
                if runStart == nil && output.count > 0 { runStart = index }
            } else {
                if let start = runStart { output.append(" ", source: text.source(of: start..<index)) }
                runStart = nil
                output.append(scalar, source: text.source(at: index))
            }
        }
        return output
    }

    /// `text.split()`: the runs between whitespace.
    static func splitOnWhitespace(_ scalars: ArraySlice<Unicode.Scalar>) -> [ArraySlice<Unicode.Scalar>] {
        var pieces: [ArraySlice<Unicode.Scalar>] = []
        var start: Int? = nil
        for index in scalars.indices {
            if isWhitespace(scalars[index]) {
                if let begin = start { pieces.append(scalars[begin..<index]); start = nil }
            } else if start == nil {
                start = index
            }
        }
        if let begin = start { pieces.append(scalars[begin..<scalars.endIndex]) }
        return pieces
    }

    /// `str.lower()`: the full lowercase mapping of every code point (SpecialCasing's unconditional
    /// entries included, so `İ` becomes `i̇`), except that capital sigma becomes final sigma `ς`
    /// when it ends a word: preceded by a cased letter and not followed by one, skipping
    /// case-ignorable characters on both sides (the Final_Sigma condition of Unicode §3.13).
    static func lowercased(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        lowercased(AlignedText<SourcesIgnored>(scalars)).scalars
    }

    /// `str.lower()` with sources: every scalar of a mapping covers the scalar it maps.
    static func lowercased<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        let scalars = text.scalars
        var output = AlignedText<Tracking>.emptyOutput(reservingCapacity: scalars.count)
        for index in scalars.indices {
            let scalar = scalars[index]
            if scalar.isASCII {
                let value = scalar.value
                output.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(value + 0x20)! : scalar, source: text.source(at: index))
            } else if scalar.value == 0x3A3 {
                output.append(isFinalSigma(scalars, at: index) ? "\u{3C2}" : "\u{3C3}", source: text.source(at: index))
            } else if scalar.properties.changesWhenLowercased {
                output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars, source: text.source(at: index))
            } else {
                output.append(scalar, source: text.source(at: index))
            }
        }
        return output
    }

    /// The full uppercase mapping of every code point (`str.upper()`).
    static func uppercased(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.properties.changesWhenUppercased {
                output.append(contentsOf: scalar.properties.uppercaseMapping.unicodeScalars)
            } else {
                output.append(scalar)
            }
        }
        return String(output)
    }

    private static func isFinalSigma<Scalars: RandomAccessCollection>(_ scalars: Scalars, at index: Int) -> Bool
    where Scalars.Element == Unicode.Scalar, Scalars.Index == Int {
        var before = index - 1
        while before >= scalars.startIndex && scalars[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= scalars.startIndex, scalars[before].properties.isCased else { return false }
        var after = index + 1
        while after < scalars.endIndex && scalars[after].properties.isCaseIgnorable { after += 1 }
        return after == scalars.endIndex || !scalars[after].properties.isCased
    }
}
