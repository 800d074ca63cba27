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
/// A token then covers the union of its scalars' sources. Whether sources are recorded is the
/// type parameter: each step is written once and compiled for both modes, and with
/// `SourcesIgnored` (the ids-only paths) `source(at:)` is the constant nil and `append` is a plain
/// array append.
struct AlignedText<Tracking: SourceTracking> {
    private(set) var scalars: [Unicode.Scalar]
    /// Per scalar, its range in the original input; empty under `SourcesIgnored`.
    private(set) var sources: [Range<Int>]

    /// Original text: scalar `i` comes from `offset + i`.
    init(_ scalars: [Unicode.Scalar], sourceOffset offset: Int = 0) {
        self.scalars = scalars
        sources = Tracking.isEnabled ? scalars.indices.map { (offset + $0)..<(offset + $0 + 1) } : []
    }

    private init(scalars: [Unicode.Scalar], sources: [Range<Int>]) {
        self.scalars = scalars
        self.sources = sources
    }

    var count: Int { scalars.count }

    /// An empty text for a step's output.
    static func emptyOutput(reservingCapacity capacity: Int) -> AlignedText {
        var output = AlignedText(scalars: [], sources: [])
        output.scalars.reserveCapacity(capacity)
        if Tracking.isEnabled { output.sources.reserveCapacity(capacity) }
        return output
    }

    /// Scalars `range` with their sources, as a text of its own.
    subscript(range: Range<Int>) -> AlignedText {
        AlignedText(scalars: Array(scalars[range]), sources: Tracking.isEnabled ? Array(sources[range]) : [])
    }

    /// The source of scalar `index`; nil when not tracked.
    @inline(__always)
    func source(at index: Int) -> Range<Int>? {
        Tracking.isEnabled ? sources[index] : nil
    }

    /// The union of the sources of scalars `range` (not empty); nil when not tracked.
    func source(of range: Range<Int>) -> Range<Int>? {
        guard Tracking.isEnabled else { return nil }
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
        if Tracking.isEnabled { sources.append(source!) }
    }

    /// Appends scalars that all come from `source`.
    mutating func append<Scalars: Collection>(contentsOf newScalars: Scalars, source: Range<Int>?)
    where Scalars.Element == Unicode.Scalar {
        scalars.append(contentsOf: newScalars)
        if Tracking.isEnabled { sources.append(contentsOf: repeatElement(source!, count: newScalars.count)) }
    }

    /// Appends scalar `index` of `other` with its own source.
    @inline(__always)
    mutating func append(scalarAt index: Int, of other: AlignedText) {
        append(other.scalars[index], source: other.source(at: index))
    }

    /// Appends scalars `range` of `other` with their own sources.
    mutating func append(_ other: AlignedText, range: Range<Int>) {
        scalars.append(contentsOf: other.scalars[range])
        if Tracking.isEnabled { sources.append(contentsOf: other.sources[range]) }
    }

    /// Appends all of `other`.
    mutating func append(_ other: AlignedText) {
        append(other, range: 0..<other.count)
    }

    /// The text without the scalars `shouldRemove` picks.
    func removingAll(where shouldRemove: (Unicode.Scalar) -> Bool) -> AlignedText {
        guard scalars.contains(where: shouldRemove) else { return self }
        var output = AlignedText.emptyOutput(reservingCapacity: count)
        for index in scalars.indices where !shouldRemove(scalars[index]) {
            output.append(scalarAt: index, of: self)
        }
        return output
    }
}

/// Whether an `AlignedText` records sources. A type rather than a flag, so that every
/// normalisation step is specialised for each mode and the ids-only mode pays nothing per scalar.
protocol SourceTracking {
    static var isEnabled: Bool { get }
}

/// Sources are recorded (the span APIs).
enum SourcesTracked: SourceTracking {
    static var isEnabled: Bool { true }
}

/// Sources are not recorded (the ids-only APIs).
enum SourcesIgnored: SourceTracking {
    static var isEnabled: Bool { false }
}
