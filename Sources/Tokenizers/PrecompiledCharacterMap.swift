/// SentencePiece's compiled normalisation rules (`NormalizerSpec.precompiled_charsmap`): a
/// little-endian UInt32 byte count, a darts-clone double-array trie of that many bytes whose keys
/// are UTF-8 byte strings, then the NUL-terminated UTF-8 replacements the trie's values point at.
/// Every normaliser a SentencePiece trainer offers (`nmt_nfkc`, `nfkc`, their case-folding
/// variants, a custom rule table) is shipped this way; `identity` has no map.
///
/// A double-array unit packs a node: bits 0–7 and 31 the label its parent reached it by (bit 31 is
/// set on value units, so they never match a byte), bit 8 "has a value child", bits 10–31 an
/// offset (shifted left by 8 when bit 9 is set). From node n, byte c leads to `n ^ offset(n) ^ c`
/// when that unit's label is c; a node with a value child stores the value (the replacement's
/// byte offset) in the unit at `n ^ offset(n)`.
struct PrecompiledCharacterMap: Sendable {
    private let units: [UInt32]
    private let replacements: [UInt8]

    /// darts-clone's `commonPrefixSearch` fills at most this many matches (SentencePiece's
    /// `kMaxTrieResultsSize`); the longest of them wins.
    static let maximumMatches = 32

    init(_ blob: [UInt8]) throws(ProtobufWireReader.Malformed) {
        guard blob.count >= 4 else { throw .init(reason: "the precompiled character map is shorter than its size field") }
        let trieSize = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        guard trieSize % 4 == 0, trieSize >= 4, trieSize <= blob.count - 4 else {
            throw .init(reason: "the precompiled character map's trie size \(trieSize) does not fit its \(blob.count) bytes")
        }
        units = (0..<(trieSize / 4)).map { index in
            let base = 4 + 4 * index
            return UInt32(blob[base]) | UInt32(blob[base + 1]) << 8 | UInt32(blob[base + 2]) << 16 | UInt32(blob[base + 3]) << 24
        }
        replacements = Array(blob[(4 + trieSize)...])
    }

    @inline(__always) private static func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & 0x200) >> 6)) }
    @inline(__always) private static func label(_ unit: UInt32) -> UInt32 { unit & 0x8000_00FF }
    @inline(__always) private static func hasValue(_ unit: UInt32) -> Bool { unit & 0x100 != 0 }

    /// The longest rule whose key is a prefix of `bytes[start...]`: how many bytes it consumes and
    /// its replacement; nil when no rule applies.
    func longestMatch(in bytes: [UInt8], from start: Int) -> (length: Int, replacement: ArraySlice<UInt8>)? {
        var node = Self.offset(units[0])
        var best: (length: Int, value: Int)?
        var matches = 0
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            node ^= Int(byte)
            guard node < units.count else { break }
            let unit = units[node]
            guard Self.label(unit) == UInt32(byte) else { break }
            node ^= Self.offset(unit)
            index += 1
            if Self.hasValue(unit) {
                guard node < units.count else { break }
                if matches < Self.maximumMatches { best = (index - start, Int(units[node] & 0x7FFF_FFFF)) }
                matches += 1
            }
        }
        guard let best, best.value < replacements.count else { return nil }
        let end = replacements[best.value...].firstIndex(of: 0) ?? replacements.count
        return (best.length, replacements[best.value..<end])
    }
}
