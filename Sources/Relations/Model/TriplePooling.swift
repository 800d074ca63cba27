import Models
import Tensor
import Tokenizers

/// The constant matrix that turns a batch's token states into r̂_svo of SA-CLIP's Eqs. 2–3:
/// row b of `[B, B·L]` holds 1/(3·|span_k|) at the positions b·L + t of every token t of the
/// subject, relation and object spans of text b, so `pooling · states[B·L, width]` is, per
/// text, the mean over the three phrases of the mean over each phrase's token states.
public enum TriplePooling {
    /// The pooling matrix of `triples` over a tokenisation with spans; throws when a phrase has
    /// no token (cut off by truncation) or the tokens have no spans.
    public static func matrix(_ triples: [RelationTriple], tokens: TokenizedTexts) throws -> Tensor {
        guard let spans = tokens.spans, spans.count == triples.count else {
            throw RelationError.incompleteExample("pooling a triple needs tokens with spans, one row per triple")
        }
        var tokenRanges: [[Range<Int>]] = []
        for (row, triple) in triples.enumerated() {
            guard let ranges = triple.tokenRanges(in: spans[row]) else {
                throw RelationError.incompleteExample("a phrase of \"\(triple.subject.text) | \(triple.relation.text) | \(triple.object.text)\" has no token (truncated?)")
            }
            tokenRanges.append(ranges)
        }
        return matrix(tokenRanges: tokenRanges, length: tokens.length)
    }

    /// The same from token ranges given directly (subject, relation, object per row).
    public static func matrix(tokenRanges: [[Range<Int>]], length: Int) -> Tensor {
        let batch = tokenRanges.count
        var weights = [Float](repeating: 0, count: batch * batch * length)
        for (row, ranges) in tokenRanges.enumerated() {
            precondition(ranges.count == 3 && ranges.allSatisfy { !$0.isEmpty && $0.upperBound <= length },
                         "three non-empty token ranges within \(length) per row")
            for range in ranges {
                for position in range { weights[row * batch * length + row * length + position] += 1 / (3 * Float(range.count)) }
            }
        }
        return Tensor(shape: [batch, batch * length], scalars: weights)
    }
}
