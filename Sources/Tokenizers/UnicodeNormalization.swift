import Foundation

/// Canonical composition and decomposition (Unicode Standard Annex #15) through Foundation,
/// with a fast path for text that no normalization can change.
enum UnicodeNormalization {
    /// NFC. Text below U+0300 is already in NFC: combining marks, Hangul jamo and every other
    /// character that composes or decomposes canonically lie above it.
    static func composed(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if scalars.allSatisfy({ $0.value < 0x300 }) { return scalars }
        let string = String(String.UnicodeScalarView(scalars))
        return Array(string.precomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// NFD. Text below U+00C0 is already in NFD (the first decomposable letter is À).
    static func decomposed<Scalars: Collection>(_ scalars: Scalars) -> [Unicode.Scalar] where Scalars.Element == Unicode.Scalar {
        if scalars.allSatisfy({ $0.value < 0xC0 }) { return Array(scalars) }
        let string = String(String.UnicodeScalarView(scalars))
        return Array(string.decomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// NFKC of one scalar (used to build the fullwidth/halfwidth table).
    static func compatibilityComposed(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        Array(String(Character(scalar)).precomposedStringWithCompatibilityMapping.unicodeScalars)
    }
}
