/// The unigram language model's segmentation (Kudo 2018, "Subword Regularization: Improving
/// Neural Network Translation Models with Multiple Subword Candidates"): of all ways to cut the
/// normalised text into vocabulary pieces, the one with the highest total score (log-probability),
/// found by Viterbi over byte positions as SentencePiece's `EncodeOptimized` does:
///
///     best[0] = 0,   best[e] = max over pieces p = text[s..<e] of best[s] + score(p)
///
/// A user-defined piece scores `length·maxScore − 0.1` (length in bytes), so it always wins; a
/// character no piece starts with becomes the unknown piece with score `minScore − 10`. Scores
/// add in Float32 and a later candidate must be strictly better, so ties keep the piece found
/// first (the earliest start), exactly as the reference breaks them.
struct UnigramSegmentation: Sendable {
    let trie: PieceTrie
    let scores: [Float]
    let kinds: [SentencePieceModel.PieceKind]
    let unknownID: Int
    let unknownScore: Float
    let maximumScore: Float

    init(model: SentencePieceModel, unknownID: Int) {
        let usable = model.pieces.enumerated().filter { [.normal, .userDefined, .unused].contains($0.element.kind) }
        trie = PieceTrie(usable.map { (Array($0.element.text.utf8), $0.offset) })
        scores = model.pieces.map(\.score)
        kinds = model.pieces.map(\.kind)
        self.unknownID = unknownID
        let normalScores = model.pieces.filter { $0.kind == .normal }.map(\.score)
        // The reference starts its maximum at FLT_MIN, the smallest positive normal Float.
        maximumScore = normalScores.reduce(Float.leastNormalMagnitude, max)
        unknownScore = normalScores.reduce(Float.greatestFiniteMagnitude, min) - 10
    }

    /// The best segmentation of `text` as (start, end, id) byte ranges, in order.
    func segment(_ text: [UInt8]) -> [(start: Int, end: Int, id: Int)] {
        let size = text.count
        guard size > 0 else { return [] }
        var bestScore = [Float](repeating: 0, count: size + 1)
        var bestStart = [Int](repeating: -1, count: size + 1)
        var bestID = [Int](repeating: -1, count: size + 1)
        var start = 0
        while start < size {
            let scoreSoFar = bestScore[start]
            let characterLength = min(UTF8Bytes.characterLength(leadByte: text[start]), size - start)
            var hasSingleCharacter = false
            trie.forEachPrefix(of: text, from: start) { end, id in
                if kinds[id] == .unused { return }
                let length = end - start
                let score: Float = kinds[id] == .userDefined ? Float(Double(length) * Double(maximumScore) - 0.1) : scores[id]
                let candidate = score + scoreSoFar
                if bestStart[end] == -1 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    bestStart[end] = start
                    bestID[end] = id
                }
                if length == characterLength { hasSingleCharacter = true }
            }
            if !hasSingleCharacter {
                let end = start + characterLength
                let candidate = unknownScore + scoreSoFar
                if bestStart[end] == -1 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    bestStart[end] = start
                    bestID[end] = unknownID
                }
            }
            start += characterLength
        }
        var pieces: [(start: Int, end: Int, id: Int)] = []
        var end = size
        while end > 0 {
            let start = bestStart[end]
            pieces.append((start, end, bestID[end]))
            end = start
        }
        return pieces.reversed()
    }
}
