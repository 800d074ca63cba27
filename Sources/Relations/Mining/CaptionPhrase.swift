/// A phrase of a caption: its words as written and where they are, in Unicode scalars of the
/// caption (the unit of `TokenSpans`, link-grammar's character offsets and Python's string
/// indices), so `TokenSpans.tokenRange(coveringCharacters:)` finds the tokens that encode it.
public struct CaptionPhrase: Codable, Sendable, Hashable {
    /// The caption's characters `characters` ("on the left of").
    public var text: String
    /// Start ..< end in Unicode scalars of the caption.
    public var characters: Range<Int>

    public init(text: String, characters: Range<Int>) {
        self.text = text
        self.characters = characters
    }

    /// The phrase of `caption` at `characters` (scalar offsets).
    public init(in caption: String, characters: Range<Int>) throws {
        let scalars = Array(caption.unicodeScalars)
        guard characters.lowerBound >= 0, characters.upperBound <= scalars.count, !characters.isEmpty else {
            throw RelationError.invalidSpan(caption: caption, span: characters)
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[characters])
        self.init(text: String(text), characters: characters)
    }
}
