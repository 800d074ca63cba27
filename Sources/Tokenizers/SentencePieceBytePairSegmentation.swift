/// SentencePiece's byte-pair encoding (Sennrich, Haddow & Birch 2016, "Neural Machine Translation
/// of Rare Words with Subword Units"), as `bpe::Model::Encode` applies it: the normalised text
/// starts as single characters (a user-defined symbol as one frozen symbol); repeatedly, the
/// adjacent pair whose concatenation is the highest-scoring vocabulary piece is merged (ties: the
/// leftmost); finally each symbol becomes its piece's id, an unused piece is split back into the
/// two symbols it was merged from, and anything else is the unknown piece.
struct SentencePieceBytePairSegmentation: Sendable {
    private let mergeable: [[UInt8]: Int]
    private let reserved: [[UInt8]: Int]
    private let scores: [Float]
    private let kinds: [SentencePieceModel.PieceKind]
    private let userDefinedSymbols: PieceTrie
    private let unknownID: Int

    init(model: SentencePieceModel, unknownID: Int, userDefinedSymbols: PieceTrie) {
        var mergeable: [[UInt8]: Int] = [:], reserved: [[UInt8]: Int] = [:]
        for (id, piece) in model.pieces.enumerated() {
            if [.normal, .userDefined, .unused].contains(piece.kind) {
                if mergeable[Array(piece.text.utf8)] == nil { mergeable[Array(piece.text.utf8)] = id }
            } else if reserved[Array(piece.text.utf8)] == nil {
                reserved[Array(piece.text.utf8)] = id
            }
        }
        self.mergeable = mergeable
        self.reserved = reserved
        scores = model.pieces.map(\.score)
        kinds = model.pieces.map(\.kind)
        self.userDefinedSymbols = userDefinedSymbols
        self.unknownID = unknownID
    }

    private struct Symbol {
        var range: Range<Int>
        var previous: Int
        var next: Int
        var frozen: Bool
    }

    /// A candidate merge of symbols `left` and `right` into a piece of `size` bytes.
    private struct Candidate {
        let score: Float
        let left: Int
        let right: Int
        let size: Int

        /// The reference's priority: higher score first, then the leftmost.
        func precedes(_ other: Candidate) -> Bool {
            score != other.score ? score > other.score : left < other.left
        }
    }

    func segment(_ text: [UInt8]) -> [(start: Int, end: Int, id: Int)] {
        var symbols: [Symbol] = []
        var position = 0
        while position < text.count {
            let length: Int, frozen: Bool
            if let symbol = userDefinedSymbols.longestPrefix(of: text, from: position) {
                (length, frozen) = (symbol.end - position, true)
            } else {
                (length, frozen) = (min(UTF8Bytes.characterLength(leadByte: text[position]), text.count - position), false)
            }
            let index = symbols.count
            symbols.append(Symbol(range: position..<(position + length), previous: index - 1,
                                  next: position + length < text.count ? index + 1 : -1, frozen: frozen))
            position += length
        }
        guard !symbols.isEmpty else { return [] }
        var agenda = CandidateHeap()
        var splits: [[UInt8]: (Range<Int>, Range<Int>)] = [:]
        func consider(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0, !symbols[left].frozen, !symbols[right].frozen else { return }
            let merged = symbols[left].range.lowerBound..<symbols[right].range.upperBound
            guard let id = mergeable[Array(text[merged])] else { return }
            agenda.push(Candidate(score: scores[id], left: left, right: right, size: merged.count))
            if kinds[id] == .unused { splits[Array(text[merged])] = (symbols[left].range, symbols[right].range) }
        }
        for index in 1..<symbols.count { consider(index - 1, index) }
        while let top = agenda.pop() {
            let left = symbols[top.left], right = symbols[top.right]
            guard !left.range.isEmpty, !right.range.isEmpty, left.range.count + right.range.count == top.size else { continue }
            symbols[top.left].range = left.range.lowerBound..<(left.range.lowerBound + top.size)
            symbols[top.left].next = right.next
            if right.next >= 0 { symbols[right.next].previous = top.left }
            symbols[top.right].range = right.range.lowerBound..<right.range.lowerBound
            consider(symbols[top.left].previous, top.left)
            consider(top.left, symbols[top.left].next)
        }
        var output: [(start: Int, end: Int, id: Int)] = []
        func resegment(_ range: Range<Int>) {
            let bytes = Array(text[range])
            if let id = mergeable[bytes], kinds[id] == .unused, let parts = splits[bytes] {
                resegment(parts.0)
                resegment(parts.1)
                return
            }
            output.append((range.lowerBound, range.upperBound, mergeable[bytes] ?? reserved[bytes] ?? unknownID))
        }
        var index = 0
        while index != -1 {
            resegment(symbols[index].range)
            index = symbols[index].next
        }
        return output
    }

    /// A binary max-heap of candidates under `Candidate.precedes`.
    private struct CandidateHeap {
        private var items: [Candidate] = []

        mutating func push(_ candidate: Candidate) {
            items.append(candidate)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard items[child].precedes(items[parent]) else { break }
                items.swapAt(child, parent)
                child = parent
            }
        }

        mutating func pop() -> Candidate? {
            guard let first = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var best = parent
                    if left < items.count && items[left].precedes(items[best]) { best = left }
                    if right < items.count && items[right].precedes(items[best]) { best = right }
                    if best == parent { break }
                    items.swapAt(parent, best)
                    parent = best
                }
            }
            return first
        }
    }
}
