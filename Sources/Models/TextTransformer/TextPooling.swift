/// Which token's features stand for the whole text in CLIP's text tower (Radford et al. 2021 take
/// the end-of-text token, "the highest number in each sequence" in CLIP's BPE vocabulary).
public enum TextPooling: Codable, Sendable, Equatable {
    /// The position of each sequence's largest token id (its first occurrence): OpenAI CLIP,
    /// OpenCLIP's `pool_type="argmax"`, and Hugging Face `CLIPTextModel` when its config's
    /// `eos_token_id` is the legacy 2.
    case highestTokenID
    /// The first position holding `tokenID`: Hugging Face `CLIPTextModel` with any other
    /// `eos_token_id`, OpenCLIP's `pool_type="eos"`. A sequence without it pools position 0, as
    /// `argmax` over an all-false mask does upstream.
    case firstOccurrence(of: Int)

    /// The pooled position of each sequence.
    public func positions(_ tokenIDs: [[Int]]) -> [Int] {
        tokenIDs.map { sequence in
            switch self {
            case .highestTokenID:
                var best = 0
                for (index, token) in sequence.enumerated() where token > sequence[best] { best = index }
                return best
            case let .firstOccurrence(tokenID):
                return sequence.firstIndex(of: tokenID) ?? 0
            }
        }
    }
}
