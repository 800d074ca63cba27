import Foundation

/// A SentencePiece tokenizer (Kudo & Richardson 2018) read from its `.model` file, giving the ids
/// of the reference library's `encode(text)`: normalise (`SentencePieceNormalizer`), segment with
/// the model's algorithm (unigram Viterbi, BPE, words or characters), then
///
/// - a run of consecutive unknown pieces becomes one unknown token, or, under byte fallback, each
///   unknown character becomes the `<0xXX>` pieces of its UTF-8 bytes.
///
/// Used by the Universal Sentence Encoder multilingual and XLM-RoBERTa (with fairseq's id shift,
/// see `SentencePieceRowFormat`). Spans (`encodeWithSpans`, `batch(…, includingSpans: true)`)
/// follow the reference's `SentencePieceText` offsets: a token covers the input from where its
/// first normalised byte came from to where the byte after its last came from, so `▁world` covers
/// the space before "world"; a word is a token starting with ▁ and the tokens after it that don't.
/// Immutable and thread-safe.
public final class SentencePieceTokenizer: Sendable {
    public let model: SentencePieceModel
    /// The id of the unknown piece.
    public let unknownID: Int
    /// The ids of `<s>` and `</s>` when the model has them as control pieces.
    public let startID: Int?
    public let endID: Int?

    private let pieceIDs: [String: Int]
    private let normalizer: SentencePieceNormalizer
    private let unigram: UnigramSegmentation?
    private let bytePair: SentencePieceBytePairSegmentation?
    /// Under byte fallback, the id of `<0xXX>` for each byte value.
    private let byteIDs: [Int]

    public convenience init(modelFile: URL) throws {
        try self.init(model: SentencePieceModel(contentsOf: modelFile), path: modelFile.path)
    }

    public init(model: SentencePieceModel, path: String = "SentencePiece model") throws {
        self.model = model
        var ids: [String: Int] = [:]
        for (id, piece) in model.pieces.enumerated() where ids[piece.text] == nil { ids[piece.text] = id }
        pieceIDs = ids
        guard let unknown = model.pieces.firstIndex(where: { $0.kind == .unknown }) else {
            throw TokenizerError.malformedModel(path: path, reason: "no piece has the unknown type")
        }
        unknownID = unknown
        startID = ids["<s>"].flatMap { model.pieces[$0].kind == .control ? $0 : nil }
        endID = ids["</s>"].flatMap { model.pieces[$0].kind == .control ? $0 : nil }
        let userDefined = PieceTrie(model.pieces.enumerated().filter { $0.element.kind == .userDefined }
            .map { (Array($0.element.text.utf8), $0.offset) })
        let characterMap: PrecompiledCharacterMap?
        do {
            characterMap = model.normalizer.precompiledCharacterMap.isEmpty ? nil : try PrecompiledCharacterMap(model.normalizer.precompiledCharacterMap)
        } catch {
            throw TokenizerError.malformedModel(path: path, reason: error.reason)
        }
        normalizer = SentencePieceNormalizer(characterMap: characterMap, settings: model.normalizer, userDefinedSymbols: userDefined,
                                             treatsWhitespaceAsSuffix: model.treatsWhitespaceAsSuffix)
        unigram = model.algorithm == .unigram ? UnigramSegmentation(model: model, unknownID: unknown) : nil
        bytePair = model.algorithm == .bytePair
            ? SentencePieceBytePairSegmentation(model: model, unknownID: unknown, userDefinedSymbols: userDefined) : nil
        if model.byteFallback {
            byteIDs = try (0..<256).map { value in
                let name = String(format: "<0x%02X>", value)
                guard let id = ids[name], model.pieces[id].kind == .byte else {
                    throw TokenizerError.malformedModel(path: path, reason: "byte fallback is on but the byte piece \(name) is missing")
                }
                return id
            }
        } else {
            byteIDs = []
        }
    }

    /// Number of pieces.
    public var vocabularySize: Int { model.pieces.count }

    /// The id of a piece, if it is in the vocabulary.
    public func id(of piece: String) -> Int? { pieceIDs[piece] }

    /// The text of piece `id`.
    public func piece(of id: Int) throws -> String {
        guard id >= 0 && id < model.pieces.count else { throw TokenizerError.unknownTokenID(id, vocabularySize: model.pieces.count) }
        return model.pieces[id].text
    }

    /// The normalised text segmentation sees (▁ for whitespace).
    public func normalize(_ text: String) -> String {
        String(decoding: normalizer.normalize(Array(text.utf8)).bytes, as: UTF8.self)
    }

    /// Ids of `text` (no start or end token, no truncation): `SentencePieceProcessor.encode(text)`.
    public func encode(_ text: String) -> [Int] {
        encodeTokens(text).map(\.id)
    }

    /// The pieces of `text`; an unknown token is spelled as the text it covers.
    public func pieces(_ text: String) -> [String] {
        let utf8 = Array(text.utf8)
        let normalized = normalizer.normalize(utf8)
        return segmentTokens(normalized.bytes).map { token in
            token.id == unknownID ? String(decoding: normalized.bytes[token.start..<token.end], as: UTF8.self) : model.pieces[token.id].text
        }
    }

    /// `encode(text)` with each token's source in the text (Unicode scalar offsets) and the words.
    public func encodeWithSpans(_ text: String) -> (ids: [Int], characterRanges: [Range<Int>], words: [Range<Int>]) {
        let tracked = tracked(text)
        return (tracked.ids.map(Int.init), tracked.tokenSources ?? [], tracked.wordTokens ?? [])
    }

    /// Text of `ids`: pieces joined, ▁ as a space, the first token's dummy-prefix space removed,
    /// byte pieces decoded as UTF-8 (ill-formed bytes become U+FFFD), control pieces dropped and
    /// the unknown piece written as the model's unknown surface (" ⁇ ").
    public func decode(_ ids: [Int]) throws -> String {
        var bytes: [UInt8] = []
        var atStart = true
        for id in ids {
            guard id >= 0 && id < model.pieces.count else { throw TokenizerError.unknownTokenID(id, vocabularySize: model.pieces.count) }
            let piece = model.pieces[id]
            switch piece.kind {
            case .control: continue
            case .byte:
                let hex = piece.text.dropFirst(3).dropLast()
                bytes.append(UInt8(hex, radix: 16) ?? 0x3F)
                atStart = false
                continue
            case .unknown:
                bytes.append(contentsOf: Array(model.unknownSurface.utf8))
                atStart = false
                continue
            default: break
            }
            var text = Array(piece.text.utf8)
            if atStart && model.normalizer.addsDummyPrefix && !model.treatsWhitespaceAsSuffix,
               text.starts(with: SentencePieceNormalizer.spaceSymbol) {
                text.removeFirst(SentencePieceNormalizer.spaceSymbol.count)
            }
            bytes.append(contentsOf: text)
            atStart = false
        }
        // ▁ → space scalar by scalar (a string replacement would miss a ▁ that a combining mark follows).
        var scalars = String.UnicodeScalarView(String(decoding: bytes, as: UTF8.self).unicodeScalars.map { $0 == "\u{2581}" ? " " : $0 })
        if model.treatsWhitespaceAsSuffix && model.normalizer.addsDummyPrefix && scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }

    // MARK: - Implementation

    /// Segmentation of normalised bytes as the model's algorithm cuts it.
    private func segmentTokens(_ bytes: [UInt8]) -> [(start: Int, end: Int, id: Int)] {
        switch model.algorithm {
        case .unigram: return unigram!.segment(bytes)
        case .bytePair: return bytePair!.segment(bytes)
        case .character:
            var output: [(start: Int, end: Int, id: Int)] = []
            var position = 0
            while position < bytes.count {
                let end = min(position + UTF8Bytes.characterLength(leadByte: bytes[position]), bytes.count)
                output.append((position, end, idOfSegment(bytes[position..<end])))
                position = end
            }
            return output
        case .word:
            return words(in: bytes).map { ($0.lowerBound, $0.upperBound, idOfSegment(bytes[$0])) }
        }
    }

    private func idOfSegment(_ bytes: ArraySlice<UInt8>) -> Int {
        pieceIDs[String(decoding: bytes, as: UTF8.self)] ?? unknownID
    }

    /// Whitespace-marked words of normalised bytes: each starts at ▁ (or, when whitespace ends
    /// words, ends after one).
    private func words(in bytes: [UInt8]) -> [Range<Int>] {
        let space = SentencePieceNormalizer.spaceSymbol
        var words: [Range<Int>] = []
        var position = 0
        while position < bytes.count {
            let end = min(position + UTF8Bytes.characterLength(leadByte: bytes[position]), bytes.count)
            let isSpace = bytes[position..<end].elementsEqual(space)
            let startsWord = model.treatsWhitespaceAsSuffix
                ? words.isEmpty || bytes[words[words.count - 1]].suffix(space.count).elementsEqual(space)
                : words.isEmpty || isSpace
            if startsWord {
                words.append(position..<end)
            } else {
                words[words.count - 1] = words[words.count - 1].lowerBound..<end
            }
            position = end
        }
        return words
    }

    /// One output token: its id and the normalised bytes it covers.
    struct Token {
        let id: Int
        let start: Int
        let end: Int
    }

    /// The reference's tokens of normalised bytes: unknown runs merged, or bytes under fallback.
    private func tokens(ofNormalized bytes: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var previousIsUnknown = false
        for segment in segmentTokens(bytes) {
            let isUnknown = segment.id == unknownID
            if isUnknown && model.byteFallback {
                for byte in bytes[segment.start..<segment.end] { tokens.append(Token(id: byteIDs[Int(byte)], start: segment.start, end: segment.end)) }
            } else if isUnknown && previousIsUnknown {
                let last = tokens.removeLast()
                tokens.append(Token(id: unknownID, start: last.start, end: segment.end))
            } else {
                tokens.append(Token(id: segment.id, start: segment.start, end: segment.end))
            }
            previousIsUnknown = isUnknown
        }
        return tokens
    }

    func encodeTokens(_ text: String) -> [Token] {
        tokens(ofNormalized: normalizer.normalize(Array(text.utf8)).bytes)
    }

    /// Ids with each token's source range (Unicode scalars of `text`) and the words.
    func tracked(_ text: String) -> TrackedTokens {
        let utf8 = Array(text.utf8)
        let normalized = normalizer.normalize(utf8)
        let tokens = tokens(ofNormalized: normalized.bytes)
        // Unicode scalar index of every UTF-8 byte offset (a continuation byte maps to its scalar).
        var scalarOfByte = [Int](repeating: 0, count: utf8.count + 1)
        var scalar = 0
        for (offset, byte) in utf8.enumerated() {
            if byte & 0xC0 != 0x80 && offset > 0 { scalar += 1 }
            scalarOfByte[offset] = scalar
        }
        scalarOfByte[utf8.count] = utf8.isEmpty ? 0 : scalar + 1
        var result = TrackedTokens(tracksSources: true, capacity: tokens.count)
        let space = SentencePieceNormalizer.spaceSymbol
        var wordStart: Int?
        var previousEndsWithSpace = false
        for token in tokens {
            let pieceBytes = normalized.bytes[token.start..<token.end]
            let startsWord = model.treatsWhitespaceAsSuffix ? previousEndsWithSpace : pieceBytes.starts(with: space)
            if let start = wordStart, startsWord { result.recordWord(from: start); wordStart = nil }
            if wordStart == nil { wordStart = result.ids.count }
            result.ids.append(Int32(token.id))
            let begin = scalarOfByte[normalized.originalOffsets[token.start]]
            let end = scalarOfByte[normalized.originalOffsets[token.end]]
            result.recordTokenSource(begin..<max(begin, end))
            previousEndsWithSpace = pieceBytes.suffix(space.count).elementsEqual(space)
        }
        if let start = wordStart { result.recordWord(from: start) }
        return result
    }
}
