/// Text on its way through normalisation that remembers, for every scalar, which Unicode scalars
/// of the original input it was made from: the alignments of Hugging Face `tokenizers`'
/// `NormalizedString`, counted in scalars (Python code points) instead of bytes.
///
/// Each normalisation step builds its output with `append`, giving every output scalar its source:
///
/// - a scalar copied or mapped one-to-one keeps its source's range;
/// - every scalar of a one-to-many mapping (a ligature `ﬁ` → `f i`, lower-case `İ` → `i ̇`, an
///   NFD decomposition) covers its one source scalar;
/// - a scalar made from several (an html entity `&amp;` → `&`, an NFC composition) covers their
///   union, `min(start) ..< max(end)`;
/// - a removed scalar is covered by nothing.
///
/// A token then covers the union of its scalars' sources. Tracking is optional: the ids-only
/// paths build the same scalars with `sources == nil`, and `append` skips the bookkeeping.
struct AlignedText {
    private(set) var scalars: [Unicode.Scalar]
    /// Per scalar, its range in the original input; nil when sources are not tracked.
    private(set) var sources: [Range<Int>]?

    /// Original text: scalar `i` comes from `offset + i`.
    init(_ scalars: [Unicode.Scalar], sourceOffset offset: Int = 0, tracksSources: Bool) {
        self.scalars = scalars
        sources = tracksSources ? scalars.indices.map { (offset + $0)..<(offset + $0 + 1) } : nil
    }

    private init(scalars: [Unicode.Scalar], sources: [Range<Int>]?) {
        self.scalars = scalars
        self.sources = sources
    }

    var tracksSources: Bool { sources != nil }
    var count: Int { scalars.count }

    /// An empty text that tracks sources when this one does, for a step's output.
    func emptyOutput(reservingCapacity capacity: Int) -> AlignedText {
        var output = AlignedText(scalars: [], sources: tracksSources ? [] : nil)
        output.scalars.reserveCapacity(capacity)
        output.sources?.reserveCapacity(capacity)
        return output
    }

    /// Scalars `range` with their sources, as a text of its own.
    subscript(range: Range<Int>) -> AlignedText {
        AlignedText(scalars: Array(scalars[range]), sources: sources.map { Array($0[range]) })
    }

    /// The source of scalar `index`; nil when not tracked.
    @inline(__always)
    func source(at index: Int) -> Range<Int>? {
        sources?[index]
    }

    /// The union of the sources of scalars `range` (not empty); nil when not tracked.
    func source(of range: Range<Int>) -> Range<Int>? {
        guard let sources else { return nil }
        var lower = sources[range.lowerBound].lowerBound, upper = sources[range.lowerBound].upperBound
        for index in range.dropFirst() {
            lower = min(lower, sources[index].lowerBound)
            upper = max(upper, sources[index].upperBound)
        }
        return lower..<upper
    }

    /// Appends one scalar made from `source` (nil exactly when not tracked: `source(at:)` and
    /// `source(of:)` give nil then).
    @inline(__always)
    mutating func append(_ scalar: Unicode.Scalar, source: Range<Int>?) {
        scalars.append(scalar)
        if let source { sources!.append(source) }
    }

    /// Appends scalars that all come from `source`.
    mutating func append<Scalars: Collection>(contentsOf newScalars: Scalars, source: Range<Int>?)
    where Scalars.Element == Unicode.Scalar {
        scalars.append(contentsOf: newScalars)
        if let source { sources!.append(contentsOf: repeatElement(source, count: newScalars.count)) }
    }

    /// Appends scalars `range` of `other` with their own sources.
    mutating func append(_ other: AlignedText, range: Range<Int>) {
        scalars.append(contentsOf: other.scalars[range])
        if sources != nil { sources!.append(contentsOf: other.sources![range]) }
    }

    /// Appends all of `other`.
    mutating func append(_ other: AlignedText) {
        append(other, range: 0..<other.count)
    }

    /// The text without the scalars `shouldRemove` picks.
    func removingAll(where shouldRemove: (Unicode.Scalar) -> Bool) -> AlignedText {
        guard scalars.contains(where: shouldRemove) else { return self }
        var output = emptyOutput(reservingCapacity: count)
        for index in scalars.indices where !shouldRemove(scalars[index]) {
            output.append(scalars[index], source: source(at: index))
        }
        return output
    }
}
