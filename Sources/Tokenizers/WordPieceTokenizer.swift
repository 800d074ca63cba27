import Foundation

/// BERT's WordPiece tokenizer (Devlin et al. 2019; WordPiece from Wu et al. 2016, "Google's
/// Neural Machine Translation System"): the basic tokenizer (`BERTBasicTokenizer`) splits text
/// into words, then each word is cut greedily into the longest vocabulary entries from the left,
/// pieces after the first carrying the `##` prefix. A word with more than
/// `maximumCharactersPerWord` characters, or with a part no entry matches, becomes `[UNK]`.
///
/// Model inputs are `[CLS] pieces… [SEP]`, truncated to `maximumLength` with `[SEP]` kept last.
/// Under the Hugging Face rules the exact spellings of the five special tokens in the text are
/// kept as those tokens. Thread-safe; the word cache is shared.
public final class WordPieceTokenizer: @unchecked Sendable {
    public let vocabulary: WordPieceVocabulary
    public let configuration: WordPieceConfiguration
    public let unknownID: Int
    public let classID: Int
    public let separatorID: Int
    public let paddingID: Int
    public let maskID: Int

    private let basicTokenizer: BERTBasicTokenizer
    private let specialTokens: [(scalars: [Unicode.Scalar], id: Int)]
    private let specialTokenStarts: Set<Unicode.Scalar>
    private let cache = TokenCache<[UInt8]>(capacity: 200_000)   // UTF-8 of a word → ids

    /// Loads `vocab.txt`.
    public convenience init(vocabularyFile: URL, configuration: WordPieceConfiguration) throws {
        try self.init(vocabulary: WordPieceVocabulary(contentsOf: vocabularyFile), configuration: configuration)
    }

    public init(vocabulary: WordPieceVocabulary, configuration: WordPieceConfiguration) throws {
        guard configuration.maximumLength >= 2 else { throw TokenizerError.lengthTooSmall(configuration.maximumLength, minimum: 2) }
        func idOf(_ token: String) throws -> Int {
            guard let id = vocabulary.id(of: token) else { throw TokenizerError.missingSpecialToken(token) }
            return id
        }
        self.vocabulary = vocabulary
        self.configuration = configuration
        unknownID = try idOf(configuration.unknownToken)
        classID = try idOf(configuration.classToken)
        separatorID = try idOf(configuration.separatorToken)
        paddingID = try idOf(configuration.paddingToken)
        maskID = try idOf(configuration.maskToken)
        basicTokenizer = BERTBasicTokenizer(
            rules: configuration.textRules, lowercases: configuration.lowercases,
            stripsAccents: configuration.stripsAccents ?? configuration.lowercases,
            tokenizesChineseCharacters: configuration.tokenizesChineseCharacters)
        specialTokens = configuration.textRules.keepsSpecialTokens
            ? try configuration.specialTokens.map { (Array($0.unicodeScalars), try idOf($0)) }.sorted { $0.scalars.count > $1.scalars.count }
            : []
        specialTokenStarts = Set(specialTokens.compactMap(\.scalars.first))
    }

    /// Word pieces of `text` (no `[CLS]`/`[SEP]`, no truncation).
    public func tokenize(_ text: String) -> [String] {
        encode(text).map { vocabulary.tokens[$0] }
    }

    /// Ids of `text` (no `[CLS]`/`[SEP]`, no truncation).
    public func encode(_ text: String) -> [Int] {
        encodeAsInt32(text).map(Int.init)
    }

    /// Ids of UTF-8 bytes; ill-formed bytes become U+FFFD first (see `UTF8Input`), which the
    /// basic tokenizer then removes.
    public func encode(utf8 data: Data) -> [Int] {
        encode(UTF8Input.decodeReplacingInvalidBytes(data))
    }

    /// `[CLS] ids… [SEP]` for one text, the ids cut to `maximumLength − 2` (default: the configuration's).
    public func encodeForModel(_ text: String, maximumLength: Int? = nil) throws -> WordPieceEncoding {
        let length = maximumLength ?? configuration.maximumLength
        guard length >= 2 else { throw TokenizerError.lengthTooSmall(length, minimum: 2) }
        return encoding(of: encodeAsInt32(text), maximumLength: length)
    }

    /// `encodeForModel` (the same ids), together with where each token and word came from in the
    /// text: `spans.characterRanges[position]` is the source of `inputIDs[position]`, counted in
    /// Unicode scalars of the text as given (before cleaning, lower-casing, accent stripping).
    /// The words are the basic tokenizer's words and the special-token spellings kept whole.
    public func encodeForModelWithSpans(_ text: String, maximumLength: Int? = nil) throws -> (encoding: WordPieceEncoding, spans: TokenSpans) {
        let length = maximumLength ?? configuration.maximumLength
        guard length >= 2 else { throw TokenizerError.lengthTooSmall(length, minimum: 2) }
        let tokens = encode(text, SourcesTracked.self)
        let kept = min(tokens.ids.count, length - 2)
        return (encoding(of: tokens.ids, maximumLength: length), tokens.spans(rowLength: kept + 2, keptCount: kept))
    }

    private func encoding(of ids: [Int32], maximumLength: Int) -> WordPieceEncoding {
        let row = [classID] + ids.prefix(maximumLength - 2).map(Int.init) + [separatorID]
        return WordPieceEncoding(inputIDs: row, attentionMask: Array(repeating: 1, count: row.count), tokenTypeIDs: Array(repeating: 0, count: row.count))
    }

    /// `encodeForModel` for each text, padded (default: the configuration's padding) with the
    /// padding token's id into row-major matrices.
    public func encodeBatch(_ texts: [String], maximumLength: Int? = nil, padding: WordPiecePadding? = nil) throws -> WordPieceBatch {
        let limit = maximumLength ?? configuration.maximumLength
        guard limit >= 2 else { throw TokenizerError.lengthTooSmall(limit, minimum: 2) }
        return batch(of: texts.map { encodeAsInt32($0) }, maximumLength: limit, padding: padding ?? configuration.padding)
    }

    /// `encodeBatch` (the same ids), together with where each row's tokens and words came from in
    /// its text; padding positions have empty ranges.
    public func encodeBatchWithSpans(_ texts: [String], maximumLength: Int? = nil, padding: WordPiecePadding? = nil) throws
        -> (batch: WordPieceBatch, spans: [TokenSpans]) {
        let limit = maximumLength ?? configuration.maximumLength
        guard limit >= 2 else { throw TokenizerError.lengthTooSmall(limit, minimum: 2) }
        let encoded = texts.map { encode($0, SourcesTracked.self) }
        let batch = batch(of: encoded.map(\.ids), maximumLength: limit, padding: padding ?? configuration.padding)
        return (batch, encoded.map { $0.spans(rowLength: batch.length, keptCount: min($0.ids.count, limit - 2)) })
    }

    private func batch(of encodedTexts: [[Int32]], maximumLength limit: Int, padding: WordPiecePadding) -> WordPieceBatch {
        let rows = encodedTexts.map { ids -> [Int32] in
            [Int32(classID)] + ids.prefix(limit - 2) + [Int32(separatorID)]
        }
        let length = padding == .maximumLength ? limit : (rows.map(\.count).max() ?? 2)
        var inputIDs = [Int32](repeating: Int32(paddingID), count: rows.count * length)
        var attentionMask = [Int32](repeating: 0, count: rows.count * length)
        for (index, row) in rows.enumerated() {
            for (column, id) in row.enumerated() {
                inputIDs[index * length + column] = id
                attentionMask[index * length + column] = 1
            }
        }
        return WordPieceBatch(
            count: rows.count, length: length, inputIDs: inputIDs, attentionMask: attentionMask,
            tokenTypeIDs: [Int32](repeating: 0, count: rows.count * length), tokenCounts: rows.map(\.count))
    }

    /// Text of ids: pieces joined by spaces, `##` continuations glued to the previous piece, and
    /// (when `cleansUpSpaces`) the spaces BERT puts before `. , ? !` and English contractions
    /// removed, as Hugging Face's `decode` does by default for BERT. Skipping special tokens
    /// drops all five, `[UNK]` included. Lower-casing and stripped accents are not undone.
    public func decode(_ ids: [Int], skippingSpecialTokens: Bool = true, cleansUpSpaces: Bool = true) throws -> String {
        let special: Set<Int> = [unknownID, classID, separatorID, paddingID, maskID]
        var text = ""
        for id in ids {
            guard id >= 0 && id < vocabulary.count else { throw TokenizerError.unknownTokenID(id, vocabularySize: vocabulary.count) }
            if skippingSpecialTokens && special.contains(id) { continue }
            let token = vocabulary.tokens[id]
            if token.hasPrefix(configuration.continuingSubwordPrefix) && !text.isEmpty {
                text += token.dropFirst(configuration.continuingSubwordPrefix.count)
            } else {
                if !text.isEmpty { text += " " }
                text += token
            }
        }
        guard cleansUpSpaces else { return text }
        for (spaced, joined) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                                 (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            text = text.replacingOccurrences(of: spaced, with: joined)
        }
        return text
    }

    // MARK: - Implementation

    func encodeAsInt32(_ text: String) -> [Int32] {
        encode(text, SourcesIgnored.self).ids
    }

    /// Ids of `text` (no `[CLS]`/`[SEP]`, no truncation), and when `Tracking` records sources,
    /// each token's source range and each word's tokens.
    func encode<Tracking: SourceTracking>(_ text: String, _ tracking: Tracking.Type) -> TrackedTokens {
        let scalars = Array(text.unicodeScalars)
        var tokens = TrackedTokens(tracksSources: Tracking.isEnabled, capacity: scalars.count / 3 + 1)
        var segmentStart = 0
        var index = 0
        // Special-token spellings are cut out first (leftmost, longest); the rest is text.
        while index < scalars.count && !specialTokens.isEmpty {
            if specialTokenStarts.contains(scalars[index]), let special = specialToken(in: scalars, at: index) {
                appendWords(of: scalars, in: segmentStart..<index, to: &tokens, tracking)
                tokens.ids.append(Int32(special.id))
                if Tracking.isEnabled {
                    tokens.recordTokenSource(index..<(index + special.length))
                    tokens.recordWord(from: tokens.ids.count - 1)
                }
                index += special.length
                segmentStart = index
            } else {
                index += 1
            }
        }
        appendWords(of: scalars, in: segmentStart..<scalars.count, to: &tokens, tracking)
        return tokens
    }

    private func specialToken(in scalars: [Unicode.Scalar], at start: Int) -> (id: Int, length: Int)? {
        for special in specialTokens where start + special.scalars.count <= scalars.count {
            if scalars[start..<(start + special.scalars.count)].elementsEqual(special.scalars) {
                return (special.id, special.scalars.count)
            }
        }
        return nil
    }

    private func appendWords<Tracking: SourceTracking>(of scalars: [Unicode.Scalar], in range: Range<Int>, to tokens: inout TrackedTokens,
                                                       _ tracking: Tracking.Type) {
        guard !range.isEmpty else { return }
        let text = AlignedText<Tracking>(Array(scalars[range]), sourceOffset: range.lowerBound)
        let (normalized, words) = basicTokenizer.words(text)
        var key: [UInt8] = []
        for wordRange in words {
            let word = normalized.scalars[wordRange]
            if Tracking.isEnabled {
                // Piece boundaries are not cached; pieces are matched again.
                let firstToken = tokens.ids.count
                var start = wordRange.lowerBound
                for piece in wordPieces(word) {
                    tokens.ids.append(piece.id)
                    tokens.recordTokenSource(normalized.source(of: start..<(wordRange.lowerBound + piece.end))!)
                    start = wordRange.lowerBound + piece.end
                }
                tokens.recordWord(from: firstToken)
                continue
            }
            key.removeAll(keepingCapacity: true)
            for scalar in word { UTF8.encode(scalar) { key.append($0) } }
            if let cached = cache.value(for: key) {
                tokens.ids.append(contentsOf: cached)
                continue
            }
            let pieces = wordPieces(word).map(\.id)
            cache.store(pieces, for: key)
            tokens.ids.append(contentsOf: pieces)
        }
    }

    /// Greedy longest-match-first WordPiece of one word: each piece's id and the offset in the
    /// word where it ends; a word too long or with an unmatched part is one `[UNK]` for all of it.
    func wordPieces(_ word: ArraySlice<Unicode.Scalar>) -> [(id: Int32, end: Int)] {
        let unknown = [(Int32(unknownID), word.count)]
        if word.count > configuration.maximumCharactersPerWord { return unknown }
        let word = Array(word)
        var pieces: [(id: Int32, end: Int)] = []
        var start = 0
        while start < word.count {
            var end = min(word.count, start + vocabulary.longestTokenLength)
            var found: Int? = nil
            while start < end {
                var candidate = start > 0 ? configuration.continuingSubwordPrefix : ""
                candidate.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = vocabulary.id(of: candidate) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else { return unknown }
            pieces.append((Int32(id), end))
            start = end
        }
        return pieces
    }
}
