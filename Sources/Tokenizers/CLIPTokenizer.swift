import Checkpoint
import Foundation

/// OpenAI CLIP's byte-level BPE tokenizer (Radford et al. 2021, "Learning Transferable Visual
/// Models From Natural Language Supervision"; byte-level BPE from GPT-2, Radford et al. 2019),
/// matching open_clip's `SimpleTokenizer` with its default cleaning:
///
///     text → clean (ftfy subset, html.unescape ×2, whitespace, lower-case)
///          → pieces (CLIPPreTokenizer) → UTF-8 bytes → BPE (BytePairEncoding) → ids
///
/// The vocabulary has 49,408 entries: the 256 byte characters, the same with `</w>`, the 48,894
/// merges (lines 1…48,894 of `bpe_simple_vocab_16e6.txt`; line 0 is a header), then
/// `<start_of_text>` (49,406) and `<end_of_text>` (49,407). A piece that spells a special
/// token exactly becomes that token's id, as in open_clip.
///
/// Text cleaning differs from open_clip in one documented way: ftfy's mojibake repair
/// (`fix_encoding`) is not reproduced, see `TextRepair`. Character properties (letter, number,
/// case mappings, NFC) come from the Swift runtime's Unicode tables; for characters assigned
/// after the Unicode version of the reference's Python (14.0 for Python 3.11) they can differ.
/// Thread-safe; the word cache is shared.
public final class CLIPTokenizer: @unchecked Sendable {
    /// CLIP's context length.
    public static let defaultContextLength = 77
    /// Merges CLIP uses from the merges list: 49,152 − 256 − 2.
    public static let mergeCount = 49_152 - 256 - 2

    /// Id of `<start_of_text>`.
    public let startOfTextID: Int
    /// Id of `<end_of_text>`, the largest id.
    public let endOfTextID: Int
    /// Number of ids.
    public var vocabularySize: Int { tokenBytes.count }

    let bytePairEncoding: BytePairEncoding
    /// Bytes each id decodes to (`</w>` included as its four ASCII bytes).
    private let tokenBytes: [[UInt8]]
    private let cache = TokenCache<[UInt8]>(capacity: 200_000)
    private let startOfTextBytes = Array("<start_of_text>".utf8)
    private let endOfTextBytes = Array("<end_of_text>".utf8)

    /// Loads the merges list from `bpe_simple_vocab_16e6.txt.gz` (gzip is detected from the
    /// magic bytes, so an uncompressed copy works too).
    public convenience init(mergesFile: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: mergesFile)
        } catch {
            throw TokenizerError.unreadableFile(path: mergesFile.path, reason: error.localizedDescription)
        }
        var bytes = [UInt8](data)
        if Inflater.isGzip(bytes) {
            do throws(Inflater.Failure) { bytes = try Inflater.gunzip(bytes) } catch {
                throw TokenizerError.corruptGzip(reason: error.reason)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TokenizerError.notUTF8(path: mergesFile.path)
        }
        try self.init(mergesText: text)
    }

    /// Builds the tokenizer from the text of the merges list: a header line, then one
    /// `left right` pair per line in merge order.
    public init(mergesText: String) throws {
        let lines = mergesText.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count - 1 >= Self.mergeCount else {
            throw TokenizerError.tooFewMerges(found: max(0, lines.count - 1), required: Self.mergeCount)
        }
        var merges: [(left: String, right: String)] = []
        merges.reserveCapacity(Self.mergeCount)
        for lineNumber in 1...Self.mergeCount {
            let line = lines[lineNumber]
            let parts = PythonStringRules.splitOnWhitespace(ArraySlice(line.unicodeScalars))
            guard parts.count == 2 else { throw TokenizerError.malformedMerge(line: lineNumber, text: String(line)) }
            merges.append((String(String.UnicodeScalarView(parts[0])), String(String.UnicodeScalarView(parts[1]))))
        }

        // The vocabulary in id order; a repeated string keeps its last id, as a Python dict does.
        let byteCharacters = ByteLevelAlphabet.bytesInVocabularyOrder.map { String(Character(ByteLevelAlphabet.characterForByte[Int($0)])) }
        var vocabulary = byteCharacters + byteCharacters.map { $0 + "</w>" }
        vocabulary += merges.map { $0.left + $0.right }
        vocabulary += ["<start_of_text>", "<end_of_text>"]
        var idOf: [String: Int32] = [:]
        idOf.reserveCapacity(vocabulary.count)
        for (id, token) in vocabulary.enumerated() { idOf[token] = Int32(id) }

        var pairRanks: [UInt64: Int32] = [:]
        pairRanks.reserveCapacity(merges.count)
        var mergedSymbol: [Int32] = []
        mergedSymbol.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            guard let left = idOf[merge.left] else { throw TokenizerError.unknownMergeSymbol(line: rank + 1, symbol: merge.left) }
            guard let right = idOf[merge.right] else { throw TokenizerError.unknownMergeSymbol(line: rank + 1, symbol: merge.right) }
            pairRanks[BytePairEncoding.key(left, right)] = Int32(rank)
            mergedSymbol.append(idOf[merge.left + merge.right]!)
        }

        // The priority-queue merge is exact when no merge uses a symbol that a later-or-equal
        // ranked merge creates.
        var lastCreatingRank = [Int32](repeating: -1, count: vocabulary.count)
        for (rank, symbol) in mergedSymbol.enumerated() { lastCreatingRank[Int(symbol)] = max(lastCreatingRank[Int(symbol)], Int32(rank)) }
        var ordered = true
        for (key, rank) in pairRanks {
            let left = Int(key >> 32), right = Int(key & 0xFFFF_FFFF)
            if lastCreatingRank[left] >= rank || lastCreatingRank[right] >= rank { ordered = false; break }
        }

        var byteSymbol = [Int32](repeating: 0, count: 256)
        for (position, byte) in ByteLevelAlphabet.bytesInVocabularyOrder.enumerated() { byteSymbol[Int(byte)] = Int32(position) }
        bytePairEncoding = BytePairEncoding(
            byteSymbol: byteSymbol, endOfWordOffset: 256, pairRanks: pairRanks,
            mergedSymbol: mergedSymbol, allowsQueueMerging: ordered)
        tokenBytes = vocabulary.map { ByteLevelAlphabet.decode($0)! }
        startOfTextID = Int(idOf["<start_of_text>"]!)
        endOfTextID = Int(idOf["<end_of_text>"]!)
    }

    /// The text as open_clip sees it before splitting: cleaned, whitespace-collapsed, lower-cased.
    public func cleanText(_ text: String) -> String {
        String(String.UnicodeScalarView(CLIPTextCleaning.clean(Array(text.unicodeScalars))))
    }

    /// The pieces the pre-tokenizer cuts the cleaned text into.
    public func pieces(_ text: String) -> [String] {
        let cleaned = CLIPTextCleaning.clean(Array(text.unicodeScalars))
        var pieces: [String] = []
        CLIPPreTokenizer.forEachPiece(in: cleaned) { pieces.append(String(String.UnicodeScalarView(cleaned[$0]))) }
        return pieces
    }

    /// Token ids of `text`, without start/end tokens and without truncation (open_clip's `encode`).
    public func encode(_ text: String) -> [Int] {
        encodeAsInt32(text).map(Int.init)
    }

    /// Token ids of UTF-8 bytes; ill-formed bytes become U+FFFD first (see `UTF8Input`).
    public func encode(utf8 data: Data) -> [Int] {
        encode(UTF8Input.decodeReplacingInvalidBytes(data))
    }

    func encodeAsInt32(_ text: String) -> [Int32] {
        encode(text, SourcesIgnored.self).ids
    }

    /// Ids of `text` (open_clip's `encode`), and when `Tracking` records sources, each token's
    /// source range and each piece's tokens.
    func encode<Tracking: SourceTracking>(_ text: String, _ tracking: Tracking.Type) -> TrackedTokens {
        let cleaned = CLIPTextCleaning.clean(AlignedText<Tracking>(Array(text.unicodeScalars)))
        var tokens = TrackedTokens(tracksSources: Tracking.isEnabled, capacity: cleaned.count / 3 + 1)
        var bytes: [UInt8] = []
        CLIPPreTokenizer.forEachPiece(in: cleaned.scalars) { range in
            bytes.removeAll(keepingCapacity: true)
            for scalar in cleaned.scalars[range] { UTF8.encode(scalar) { bytes.append($0) } }
            let firstToken = tokens.ids.count
            var isSpecial = true
            if bytes == startOfTextBytes {
                tokens.ids.append(Int32(startOfTextID))
            } else if bytes == endOfTextBytes {
                tokens.ids.append(Int32(endOfTextID))
            } else if let cached = cache.value(for: bytes) {
                tokens.ids.append(contentsOf: cached)
                isSpecial = false
            } else {
                let word = bytePairEncoding.encode(bytes)
                cache.store(word, for: bytes)
                tokens.ids.append(contentsOf: word)
                isSpecial = false
            }
            if Tracking.isEnabled {
                recordSources(ofPiece: range, in: cleaned, firstToken: firstToken, isSpecial: isSpecial, into: &tokens)
            }
        }
        return tokens
    }

    /// Each token of a piece covers the scalars its bytes belong to: a token's bytes are its
    /// vocabulary string's bytes, less the four of `</w>` on the piece's last token.
    private func recordSources<Tracking>(ofPiece piece: Range<Int>, in cleaned: AlignedText<Tracking>, firstToken: Int, isSpecial: Bool,
                               into tokens: inout TrackedTokens) {
        var scalarOfByte: [Int] = []
        for index in piece {
            scalarOfByte.append(contentsOf: repeatElement(index, count: UTF8.width(cleaned.scalars[index])))
        }
        var byte = 0
        for position in firstToken..<tokens.ids.count {
            var length = tokenBytes[Int(tokens.ids[position])].count
            if !isSpecial && position == tokens.ids.count - 1 { length -= 4 }
            tokens.recordTokenSource(cleaned.source(of: scalarOfByte[byte]..<(scalarOfByte[byte + length - 1] + 1))!)
            byte += length
        }
        precondition(byte == scalarOfByte.count, "the tokens of a piece spell its bytes")
        tokens.recordWord(from: firstToken)
    }

    /// Text of token ids as open_clip's `decode` gives it: the bytes of all tokens, read as UTF-8
    /// (U+FFFD for ill-formed sequences, e.g. a character cut between tokens), with every `</w>`
    /// turned into a space. Special tokens appear by their spelling.
    public func decode(_ ids: [Int]) throws -> String {
        var bytes: [UInt8] = []
        for id in ids {
            guard id >= 0 && id < tokenBytes.count else { throw TokenizerError.unknownTokenID(id, vocabularySize: tokenBytes.count) }
            bytes.append(contentsOf: tokenBytes[id])
        }
        let text = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        let marker: [Unicode.Scalar] = ["<", "/", "w", ">"]
        var output = String.UnicodeScalarView()
        var index = 0
        while index < text.count {
            if text[index] == "<" && index + 4 <= text.count && Array(text[index..<(index + 4)]) == marker {
                output.append(" ")
                index += 4
            } else {
                output.append(text[index])
                index += 1
            }
        }
        return String(output)
    }

    /// open_clip's `tokenize`: per text `[<start_of_text>] + encode(text) + [<end_of_text>]`; when
    /// longer than `contextLength` it is cut to `contextLength` ids and the last one is set to
    /// `<end_of_text>`; shorter rows are padded with 0.
    public func tokenize(_ texts: [String], contextLength: Int = CLIPTokenizer.defaultContextLength) throws -> CLIPTokenBatch {
        guard contextLength >= 2 else { throw TokenizerError.lengthTooSmall(contextLength, minimum: 2) }
        return batch(count: texts.count, contextLength: contextLength) { encodeAsInt32(texts[$0]) }
    }

    /// `tokenize` (the same ids), together with where each row's tokens and words came from in
    /// its text: `spans[row].characterRanges[position]` is the source of the token at
    /// `batch.row(row)[position]`, counted in Unicode scalars of the text as given (before
    /// cleaning). The words are the pre-tokenizer's pieces.
    public func tokenizeWithSpans(_ texts: [String], contextLength: Int = CLIPTokenizer.defaultContextLength) throws
        -> (batch: CLIPTokenBatch, spans: [TokenSpans]) {
        guard contextLength >= 2 else { throw TokenizerError.lengthTooSmall(contextLength, minimum: 2) }
        let encoded = texts.map { encode($0, SourcesTracked.self) }
        let spans = encoded.map { $0.spans(rowLength: contextLength, keptCount: min($0.ids.count, contextLength - 2)) }
        return (batch(count: texts.count, contextLength: contextLength) { encoded[$0].ids }, spans)
    }

    /// `tokenizeWithSpans` for one text: the row of ids, `contextLength` long, and its spans.
    public func tokenizeWithSpans(_ text: String, contextLength: Int = CLIPTokenizer.defaultContextLength) throws
        -> (ids: [Int32], spans: TokenSpans) {
        let (batch, spans) = try tokenizeWithSpans([text], contextLength: contextLength)
        return (batch.tokens, spans[0])
    }

    /// The rows of `tokenize` from each text's ids (`idsOfRow(row)`): the text ids cut to
    /// `contextLength − 2` (open_clip cuts `[SOT] + ids + [EOT]` to `contextLength` and overwrites
    /// the last id with `<end_of_text>`, which keeps the same ids), then zeros.
    private func batch(count: Int, contextLength: Int, idsOfRow: (Int) -> [Int32]) -> CLIPTokenBatch {
        var tokens = [Int32](repeating: 0, count: count * contextLength)
        var endOfTextPositions: [Int] = []
        endOfTextPositions.reserveCapacity(count)
        let endOfText = Int32(endOfTextID)
        for row in 0..<count {
            let ids = idsOfRow(row)
            let base = row * contextLength
            tokens[base] = Int32(startOfTextID)
            let kept = min(ids.count, contextLength - 2)
            for index in 0..<kept { tokens[base + 1 + index] = ids[index] }
            tokens[base + 1 + kept] = endOfText
            let rowTokens = tokens[base..<(base + contextLength)]
            endOfTextPositions.append(rowTokens.firstIndex(of: endOfText)! - base)
        }
        return CLIPTokenBatch(count: count, contextLength: contextLength, tokens: tokens, endOfTextPositions: endOfTextPositions)
    }

    /// `tokenize` for one text: the row of ids, `contextLength` long.
    public func tokenize(_ text: String, contextLength: Int = CLIPTokenizer.defaultContextLength) throws -> [Int32] {
        Array(try tokenize([text], contextLength: contextLength).tokens)
    }
}
