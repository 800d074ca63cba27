import Models
import Relations

/// Mining subject–relation–object triples from captions for `clipkit relations mine`: every
/// caption's triple (link grammar, `RelationMiner`) and, with a text encoder, each phrase's token
/// positions in the encoder's row (`TokenSpans.tokenRange(coveringCharacters:)`).
public enum CaptionRelationMining {
    /// One `MinedCaption` per caption, in order. Texts are tokenised `batchSize` at a time.
    public static func mine(_ captions: [String], miner: RelationMiner, textEncoder: (any TextEncoder)? = nil,
                            batchSize: Int = 256) throws -> [MinedCaption] {
        let triples = miner.triples(in: captions)
        var lines = zip(captions, triples).map { MinedCaption(caption: $0, triple: $1) }
        guard let textEncoder else { return lines }
        for start in stride(from: 0, to: captions.count, by: batchSize) {
            let end = min(start + batchSize, captions.count)
            let tokens = try textEncoder.tokenize(Array(captions[start..<end]), includingSpans: true)
            for row in 0..<(end - start) {
                if let triple = lines[start + row].triple, let spans = tokens.spans?[row] {
                    lines[start + row].tokenRanges = triple.tokenRanges(in: spans)
                }
            }
        }
        return lines
    }
}
