import Foundation

/// Canonical composition and decomposition (Unicode Standard Annex #15) through Foundation,
/// with a fast path for text that no normalization can change, and source tracking for
/// `AlignedText`.
enum UnicodeNormalization {
    /// NFC. Text below U+0300 is already in NFC: combining marks, Hangul jamo and every other
    /// character that composes or decomposes canonically lie above it.
    static func composed(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if scalars.allSatisfy({ $0.value < 0x300 }) { return scalars }
        let string = String(String.UnicodeScalarView(scalars))
        return Array(string.precomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// NFC with sources. The text is cut into segments, each starting at a scalar of canonical
    /// combining class 0 unless composition reaches across that boundary (a Hangul vowel or
    /// trailing consonant, an Indic two-part vowel: all at U+0300 or above, so a boundary before
    /// a smaller starter is always safe). NFC of the whole equals the concatenated NFC of the
    /// segments; a segment NFC leaves as it is keeps its scalars' sources, and every scalar of a
    /// segment it changes covers the whole segment.
    static func composed<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        if text.scalars.allSatisfy({ $0.value < 0x300 }) { return text }
        guard Tracking.isEnabled else { return AlignedText(composed(text.scalars)) }
        let scalars = text.scalars
        var segments: [Range<Int>] = []
        for index in scalars.indices {
            let scalar = scalars[index]
            if let last = segments.last,
               scalar.properties.canonicalCombiningClass != .notReordered
                || (scalar.value >= 0x300 && composesAcross(scalars[last], scalar)) {
                segments[segments.count - 1] = last.lowerBound..<(index + 1)
            } else {
                segments.append(index..<(index + 1))
            }
        }
        var output = AlignedText<Tracking>.emptyOutput(reservingCapacity: scalars.count)
        for segment in segments {
            let piece = scalars[segment]
            let normalized = piece.count == 1 && piece.first!.value < 0x300 ? Array(piece) : composed(Array(piece))
            if normalized.elementsEqual(piece) {
                output.append(text, range: segment)
            } else {
                output.append(contentsOf: normalized, source: text.source(of: segment))
            }
        }
        return output
    }

    /// Whether NFC joins `left` and the starter `right`: NFC(left + right) ≠ NFC(left) + NFC(right).
    private static func composesAcross(_ left: ArraySlice<Unicode.Scalar>, _ right: Unicode.Scalar) -> Bool {
        composed(Array(left) + [right]) != composed(Array(left)) + composed([right])
    }

    /// NFD. Text below U+00C0 is already in NFD (the first decomposable letter is À).
    static func decomposed<Scalars: Collection>(_ scalars: Scalars) -> [Unicode.Scalar] where Scalars.Element == Unicode.Scalar {
        if scalars.allSatisfy({ $0.value < 0xC0 }) { return Array(scalars) }
        let string = String(String.UnicodeScalarView(scalars))
        return Array(string.decomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// NFD with sources: every scalar decomposed on its own (each part covers the scalar's
    /// source), then each run of scalars with a non-zero canonical combining class stably sorted
    /// by class (the canonical ordering algorithm), which is NFD of the whole text.
    static func decomposed<Tracking>(_ text: AlignedText<Tracking>) -> AlignedText<Tracking> {
        if text.scalars.allSatisfy({ $0.value < 0xC0 }) { return text }
        guard Tracking.isEnabled else { return AlignedText(decomposed(text.scalars)) }
        var parts: [(scalar: Unicode.Scalar, source: Range<Int>)] = []
        parts.reserveCapacity(text.count)
        for index in text.scalars.indices {
            let scalar = text.scalars[index], source = text.source(at: index)!
            if scalar.value < 0xC0 {
                parts.append((scalar, source))
            } else {
                for part in decomposed(CollectionOfOne(scalar)) { parts.append((part, source)) }
            }
        }
        var start = 0
        while start < parts.count {
            guard combiningClass(parts[start].scalar) != 0 else { start += 1; continue }
            var end = start
            while end < parts.count && combiningClass(parts[end].scalar) != 0 { end += 1 }
            // Array.sort is not stable; sort by (class, position).
            let run = parts[start..<end].enumerated().sorted {
                (combiningClass($0.element.scalar), $0.offset) < (combiningClass($1.element.scalar), $1.offset)
            }
            parts.replaceSubrange(start..<end, with: run.map(\.element))
            start = end
        }
        var output = AlignedText<Tracking>.emptyOutput(reservingCapacity: parts.count)
        for part in parts { output.append(part.scalar, source: part.source) }
        return output
    }

    private static func combiningClass(_ scalar: Unicode.Scalar) -> UInt8 {
        scalar.properties.canonicalCombiningClass.rawValue
    }

    /// NFKC of one scalar (used to build the fullwidth/halfwidth table).
    static func compatibilityComposed(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        Array(String(Character(scalar)).precomposedStringWithCompatibilityMapping.unicodeScalars)
    }
}
