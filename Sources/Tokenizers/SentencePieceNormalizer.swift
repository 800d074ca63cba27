/// SentencePiece's text normaliser (`Normalizer::Normalize`), on UTF-8 bytes, remembering for every
/// output byte the input byte it came from.
///
/// The input is consumed prefix by prefix: a user-defined symbol is copied unchanged; otherwise the
/// longest rule of the precompiled character map replaces its key (NFKC and the NMT cleanups, as
/// compiled by the trainer); otherwise one character is copied. Then, with the model's settings:
///
/// - leading whitespace is skipped, runs of whitespace collapse to one, trailing whitespace is cut
///   (`remove_extra_whitespaces`);
/// - one whitespace is put before the text (`add_dummy_prefix`; after it when whitespace ends words);
/// - every space becomes U+2581 ▁ (`escape_whitespaces`).
///
/// `originalOffsets[i]` is the input byte where the piece producing output byte i started;
/// `originalOffsets[count]` is where the consumed input ends: SentencePiece's `norm_to_orig`.
struct SentencePieceNormalizer: Sendable {
    static let spaceSymbol: [UInt8] = [0xE2, 0x96, 0x81]  // U+2581

    let characterMap: PrecompiledCharacterMap?
    let settings: SentencePieceModel.NormalizerSettings
    let userDefinedSymbols: PieceTrie
    let treatsWhitespaceAsSuffix: Bool

    struct Output {
        var bytes: [UInt8] = []
        var originalOffsets: [Int] = []
    }

    /// The normalised prefix of `input[position...]` and how many input bytes it consumes.
    private func normalizedPrefix(of input: [UInt8], at position: Int) -> (bytes: ArraySlice<UInt8>, consumed: Int) {
        if let symbol = userDefinedSymbols.longestPrefix(of: input, from: position) {
            return (input[position..<symbol.end], symbol.end - position)
        }
        if let characterMap, let rule = characterMap.longestMatch(in: input, from: position) {
            return (rule.replacement, rule.length)
        }
        let length = min(UTF8Bytes.characterLength(leadByte: input[position]), input.count - position)
        return (input[position..<(position + length)], length)
    }

    func normalize(_ input: [UInt8]) -> Output {
        var output = Output()
        output.bytes.reserveCapacity(input.count + 3)
        output.originalOffsets.reserveCapacity(input.count + 4)
        var position = 0
        let space = settings.escapesWhitespaces ? Self.spaceSymbol : [0x20]
        let removesWhitespace = settings.removesExtraWhitespaces
        if removesWhitespace {
            while position < input.count {
                let prefix = normalizedPrefix(of: input, at: position)
                guard prefix.bytes.elementsEqual([0x20]) else { break }
                position += prefix.consumed
            }
        }
        var consumed = position
        guard position < input.count else {
            output.originalOffsets.append(consumed)
            return output
        }
        func addWhitespace() {
            output.bytes.append(contentsOf: space)
            output.originalOffsets.append(contentsOf: repeatElement(consumed, count: space.count))
        }
        if !treatsWhitespaceAsSuffix && settings.addsDummyPrefix { addWhitespace() }
        var previousIsSpace = removesWhitespace
        while position < input.count {
            var (piece, length) = normalizedPrefix(of: input, at: position)
            // Leading spaces of a piece go when the previous piece ended in one.
            if previousIsSpace { while piece.first == 0x20 { piece = piece.dropFirst() } }
            if !piece.isEmpty {
                for byte in piece {
                    if settings.escapesWhitespaces && byte == 0x20 {
                        output.bytes.append(contentsOf: Self.spaceSymbol)
                        output.originalOffsets.append(contentsOf: repeatElement(consumed, count: Self.spaceSymbol.count))
                    } else {
                        output.bytes.append(byte)
                        output.originalOffsets.append(consumed)
                    }
                }
                previousIsSpace = piece.last == 0x20
            }
            consumed += length
            position += length
            if !removesWhitespace { previousIsSpace = false }
        }
        if removesWhitespace {
            while output.bytes.count >= space.count && output.bytes.suffix(space.count).elementsEqual(space) {
                let length = output.bytes.count - space.count
                consumed = output.originalOffsets[length]
                output.bytes.removeLast(space.count)
                output.originalOffsets.removeLast(space.count)
            }
        }
        if treatsWhitespaceAsSuffix && settings.addsDummyPrefix { addWhitespace() }
        output.originalOffsets.append(consumed)
        return output
    }
}
