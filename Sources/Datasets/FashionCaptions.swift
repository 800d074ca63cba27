/// Captions of a Fashion-MNIST item synthesised from its class and its measured attributes
/// (`FashionItemAttributes`) with fixed templates, as `FaceCaptions` does for faces (after
/// Multi-Modal CelebA-HQ, Xia et al. 2021): the same content in four phrasings. Deterministic, every
/// caption names the class, the tone and the size, and the first caption is the plainest.
///
/// ```
/// a photo of a large light pullover
/// this pullover is light and large.
/// a light pullover that fills most of the picture
/// a large pullover in a light shade
/// ```
public enum FashionCaptions {
    /// The captions of `attributes` (four patterns).
    public static func captions(for attributes: FashionItemAttributes) -> [String] {
        let noun = attributes.noun, tone = attributes.tone.rawValue, size = attributes.size.rawValue
        let extent = attributes.size == .large ? "most" : "little"
        return ["a photo of a \(size) \(tone) \(noun)",
                "this \(noun) is \(tone) and \(size).",
                "a \(tone) \(noun) that fills \(extent) of the picture",
                "a \(size) \(noun) in a \(tone) shade"]
    }
}
