/// A deterministic mutator for bounded fuzzing without libFuzzer (the CI test suite and
/// `clipkit-fuzz --runs`): each input is a seed changed by one to four libFuzzer-style edits —
/// bit flips, interesting values, erased, inserted or duplicated ranges, truncation, splicing with
/// another seed, and tokens that matter to the formats (quotes, brackets, huge numbers). The same
/// seed list and `seed` give the same inputs, so a finding reproduces from its run index.
public struct FuzzMutator: Sendable {
    /// SplitMix64 (Steele, Lea & Flood 2014): x += 0x9E3779B97F4A7C15, then two xor-shift-multiplies.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Byte strings that often change a parser's path.
    static let tokens: [[UInt8]] = ["\"", ",", "\n", "\r", "{", "}", "[", "]", ":", "-1", "0", "1e308", "18446744073709551615",
                                    "4294967295", "NaN", "null", "\u{FEFF}", "../", "/", "\u{200B}", "\0"].map { Array($0.utf8) }
        + [[0xFF, 0xFF, 0xFF, 0x7F], [0x00, 0x00, 0x00, 0x80], [0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47], [0x50, 0x4B, 0x03, 0x04]]

    public let seeds: [[UInt8]]
    var generator: Generator

    /// - Parameter seeds: at least one input to start from.
    public init(seeds: [[UInt8]], seed: UInt64) {
        precondition(!seeds.isEmpty, "the mutator needs at least one seed")
        self.seeds = seeds
        generator = Generator(state: seed)
    }

    /// The next input.
    public mutating func next() -> [UInt8] {
        var bytes = seeds[Int.random(in: 0..<seeds.count, using: &generator)]
        for _ in 0..<Int.random(in: 1...4, using: &generator) { mutate(&bytes) }
        return bytes
    }

    mutating func mutate(_ bytes: inout [UInt8]) {
        func position(inclusiveEnd: Bool = false) -> Int {
            Int.random(in: 0..<(bytes.count + (inclusiveEnd ? 1 : 0)), using: &generator)
        }
        let edit = Int.random(in: 0..<9, using: &generator)
        if bytes.isEmpty && edit < 7 {
            bytes = Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &generator)]
            return
        }
        switch edit {
        case 0:  // flip one bit
            bytes[position()] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
        case 1:  // an interesting byte
            bytes[position()] = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x20, 0x0A][Int.random(in: 0..<7, using: &generator)]
        case 2:  // a random byte
            bytes[position()] = UInt8.random(in: 0...255, using: &generator)
        case 3:  // erase a range
            let start = position()
            bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...16, using: &generator)))
        case 4:  // duplicate a range
            let start = position()
            let piece = Array(bytes[start..<min(bytes.count, start + Int.random(in: 1...64, using: &generator))])
            bytes.insert(contentsOf: piece, at: position(inclusiveEnd: true))
        case 5:  // truncate
            bytes.removeSubrange(position()...)
        case 6:  // a 32-bit little-endian interesting value over four bytes
            let value: UInt32 = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF, 0x10000][Int.random(in: 0..<7, using: &generator)]
            let start = position()
            for offset in 0..<min(4, bytes.count - start) { bytes[start + offset] = UInt8(truncatingIfNeeded: value >> (8 * offset)) }
        case 7:  // insert a token
            bytes.insert(contentsOf: Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &generator)], at: position(inclusiveEnd: true))
        default:  // splice with another seed
            let other = seeds[Int.random(in: 0..<seeds.count, using: &generator)]
            let cut = position(inclusiveEnd: true)
            let from = other.isEmpty ? 0 : Int.random(in: 0..<other.count, using: &generator)
            bytes = Array(bytes[..<cut]) + Array(other[from...])
        }
    }
}
