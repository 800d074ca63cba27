import Foundation

/// The contents of a SentencePiece `.model` file (Kudo & Richardson 2018, "SentencePiece: A simple
/// and language independent subword tokenizer and detokenizer for Neural Text Processing"): the
/// serialized `ModelProto` message, read field by field from the protobuf wire format.
///
///     ModelProto      { 1: repeated SentencePiece pieces, 2: TrainerSpec, 3: NormalizerSpec, 5: denormalizer }
///     SentencePiece   { 1: piece, 2: score (float), 3: type (NORMAL 1, UNKNOWN 2, CONTROL 3, USER_DEFINED 4, UNUSED 5, BYTE 6) }
///     TrainerSpec     { 3: model_type (UNIGRAM 1, BPE 2, WORD 3, CHAR 4), 24: treat_whitespace_as_suffix,
///                       35: byte_fallback, 44: unk_surface, … }
///     NormalizerSpec  { 1: name, 2: precompiled_charsmap, 3: add_dummy_prefix, 4: remove_extra_whitespaces,
///                       5: escape_whitespaces }
///
/// A piece's id is its position. Fields this reader does not need are skipped.
public struct SentencePieceModel: Sendable {
    /// How text is cut into pieces.
    public enum Algorithm: Int, Sendable {
        /// The unigram language model (Kudo 2018): the segmentation with the highest sum of piece log-probabilities.
        case unigram = 1
        /// Byte-pair encoding (Sennrich et al. 2016): adjacent symbols merged, highest-scoring merge first.
        case bytePair = 2
        /// Whitespace-separated words.
        case word = 3
        /// Single characters.
        case character = 4
    }

    /// What a piece is.
    public enum PieceKind: Int, Sendable {
        case normal = 1
        case unknown = 2
        /// Added by the model's user (`<s>`, `</s>`), never produced from text.
        case control = 3
        /// Kept whole wherever it appears in the text, and not normalised.
        case userDefined = 4
        /// In the vocabulary but never output (BPE resegments it into its parts).
        case unused = 5
        /// `<0xXX>`: one UTF-8 byte, for characters the vocabulary lacks under byte fallback.
        case byte = 6
    }

    /// One vocabulary entry.
    public struct Piece: Sendable, Equatable {
        public let text: String
        /// The log-probability (unigram) or merge priority (BPE).
        public let score: Float
        public let kind: PieceKind

        public init(text: String, score: Float, kind: PieceKind) {
            self.text = text
            self.score = score
            self.kind = kind
        }
    }

    /// How text is normalised before segmentation (`NormalizerSpec`).
    public struct NormalizerSettings: Sendable, Equatable {
        /// `nmt_nfkc`, `nfkc`, `identity`, … (the rules themselves are in `precompiledCharacterMap`).
        public var name: String = ""
        /// The rules as a darts-clone double-array trie and its replacement strings; empty for identity.
        public var precompiledCharacterMap: [UInt8] = []
        /// Put a whitespace before the text, so a word is the same piece at the start and inside.
        public var addsDummyPrefix = true
        /// Drop leading and trailing whitespace and collapse runs of it.
        public var removesExtraWhitespaces = true
        /// Write whitespace as U+2581 (▁).
        public var escapesWhitespaces = true

        public init(name: String = "", precompiledCharacterMap: [UInt8] = [], addsDummyPrefix: Bool = true,
                    removesExtraWhitespaces: Bool = true, escapesWhitespaces: Bool = true) {
            self.name = name
            self.precompiledCharacterMap = precompiledCharacterMap
            self.addsDummyPrefix = addsDummyPrefix
            self.removesExtraWhitespaces = removesExtraWhitespaces
            self.escapesWhitespaces = escapesWhitespaces
        }
    }

    public let pieces: [Piece]
    public let algorithm: Algorithm
    /// Characters outside the vocabulary become their UTF-8 bytes' pieces instead of the unknown piece.
    public let byteFallback: Bool
    /// The whitespace marker ends words instead of starting them.
    public let treatsWhitespaceAsSuffix: Bool
    /// What decoding writes for the unknown piece (default " ⁇ ").
    public let unknownSurface: String
    public let normalizer: NormalizerSettings

    /// Reads a `.model` file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        try self.init(serialized: [UInt8](data), path: url.path)
    }

    /// Parses a serialized `ModelProto`; `path` names it in errors.
    public init(serialized bytes: [UInt8], path: String = "SentencePiece model") throws {
        do {
            var pieces: [Piece] = []
            var algorithm = Algorithm.unigram
            var byteFallback = false, suffix = false
            var unknownSurface = " \u{2047} "
            var normalizer = NormalizerSettings()
            var message = ProtobufWireReader(bytes)
            while let field = try message.nextField() {
                switch (field.number, field.value) {
                case (1, .lengthDelimited(let range)):
                    pieces.append(try Self.piece(in: bytes, range: range))
                case (2, .lengthDelimited(let range)):
                    var trainer = ProtobufWireReader(bytes, range: range)
                    while let setting = try trainer.nextField() {
                        switch (setting.number, setting.value) {
                        case (3, .varint(let value)):
                            guard let type = Algorithm(rawValue: Int(value)) else {
                                throw ProtobufWireReader.Malformed(reason: "unknown model_type \(value)")
                            }
                            algorithm = type
                        case (24, .varint(let value)): suffix = value != 0
                        case (35, .varint(let value)): byteFallback = value != 0
                        case (44, .lengthDelimited(let range)): unknownSurface = try trainer.string(range)
                        default: break
                        }
                    }
                case (3, .lengthDelimited(let range)):
                    var spec = ProtobufWireReader(bytes, range: range)
                    while let setting = try spec.nextField() {
                        switch (setting.number, setting.value) {
                        case (1, .lengthDelimited(let range)): normalizer.name = try spec.string(range)
                        case (2, .lengthDelimited(let range)): normalizer.precompiledCharacterMap = Array(bytes[range])
                        case (3, .varint(let value)): normalizer.addsDummyPrefix = value != 0
                        case (4, .varint(let value)): normalizer.removesExtraWhitespaces = value != 0
                        case (5, .varint(let value)): normalizer.escapesWhitespaces = value != 0
                        default: break
                        }
                    }
                default:
                    break
                }
            }
            guard !pieces.isEmpty else { throw ProtobufWireReader.Malformed(reason: "no pieces") }
            self.init(pieces: pieces, algorithm: algorithm, byteFallback: byteFallback, treatsWhitespaceAsSuffix: suffix,
                      unknownSurface: unknownSurface, normalizer: normalizer)
        } catch let error as ProtobufWireReader.Malformed {
            throw TokenizerError.malformedModel(path: path, reason: error.reason)
        }
    }

    /// A model from its parts (tests build small ones this way).
    public init(pieces: [Piece], algorithm: Algorithm, byteFallback: Bool = false, treatsWhitespaceAsSuffix: Bool = false,
                unknownSurface: String = " \u{2047} ", normalizer: NormalizerSettings = NormalizerSettings()) {
        self.pieces = pieces
        self.algorithm = algorithm
        self.byteFallback = byteFallback
        self.treatsWhitespaceAsSuffix = treatsWhitespaceAsSuffix
        self.unknownSurface = unknownSurface
        self.normalizer = normalizer
    }

    private static func piece(in bytes: [UInt8], range: Range<Int>) throws(ProtobufWireReader.Malformed) -> Piece {
        var reader = ProtobufWireReader(bytes, range: range)
        var text: String?
        var score: Float = 0
        var kind = PieceKind.normal
        while let field = try reader.nextField() {
            switch (field.number, field.value) {
            case (1, .lengthDelimited(let range)): text = try reader.string(range)
            case (2, .fixed32(let bits)): score = Float(bitPattern: bits)
            case (3, .varint(let value)):
                guard let parsed = PieceKind(rawValue: Int(value)) else {
                    throw ProtobufWireReader.Malformed(reason: "piece at byte \(range.lowerBound) has unknown type \(value)")
                }
                kind = parsed
            default: break
            }
        }
        guard let text else { throw ProtobufWireReader.Malformed(reason: "piece at byte \(range.lowerBound) has no text") }
        return Piece(text: text, score: score, kind: kind)
    }
}
