/// Why relation mining, scene generation or relation-aware training could not go on.
public enum RelationError: Error, CustomStringConvertible, Equatable {
    /// The link-grammar English dictionary is not installed where it was looked for.
    case dictionaryMissing(path: String)
    /// link-grammar refused the dictionary (ours merged into the system one).
    case dictionaryRejected(path: String)
    /// A caption line is not valid UTF-8 text or is too long to parse.
    case unparsableCaption(String)
    /// A phrase span lies outside its caption or phrases overlap.
    case invalidSpan(caption: String, span: Range<Int>)
    /// A configuration value is out of range.
    case invalidConfiguration(String)
    /// A relation example lacks what the model needs (a triple, a box).
    case incompleteExample(String)

    public var description: String {
        switch self {
        case let .dictionaryMissing(path):
            "the link-grammar English dictionary is missing at \(path): run `bash scripts/setup.sh` (Debian packages liblink-grammar-dev, link-grammar-dictionaries-en)"
        case let .dictionaryRejected(path): "link-grammar could not read the dictionary at \(path)"
        case let .unparsableCaption(caption): "cannot parse the caption \"\(caption)\""
        case let .invalidSpan(caption, span): "characters \(span.lowerBound)..<\(span.upperBound) are not a phrase of \"\(caption)\""
        case let .invalidConfiguration(reason): "invalid relation configuration: \(reason)"
        case let .incompleteExample(reason): "incomplete relation example: \(reason)"
        }
    }
}
