import Datasets

/// What a synthesised caption asks for: the annotated attributes of an ORL face (`FaceCaptions`)
/// or the class and measured attributes of a Fashion-MNIST item (`FashionCaptions`). The
/// `AttributeJudge` checks generated images against it.
public enum CaptionedAttributes: Sendable, Equatable {
    case face(FaceAttributes)
    case fashion(FashionItemAttributes)

    /// The kinds of captioned images, each with the attributes its judge reads.
    public enum Kind: String, Sendable, CaseIterable {
        case face, fashion

        /// The classifier's layout (`AttributeClassifier.Layout`) for this kind.
        public var classifierLayout: AttributeClassifier.Layout { self == .face ? .faces : .fashionMNIST }

        /// The attributes the judge reads, in order: the classifier's heads, then those measured
        /// from the pixels (faces: none; Fashion-MNIST: tone and size).
        public var judgedAttributes: [String] { classifierLayout.attributes + (self == .face ? [] : ["tone", "size"]) }
    }

    public var kind: Kind {
        switch self {
        case .face: return .face
        case .fashion: return .fashion
        }
    }

    /// The captions synthesised from these attributes (four phrasings).
    public var captions: [String] {
        switch self {
        case let .face(attributes): return FaceCaptions.captions(for: attributes)
        case let .fashion(attributes): return FashionCaptions.captions(for: attributes)
        }
    }

    /// The classifier's target value indices, in `kind.classifierLayout` order.
    public var classifierValues: [Int] {
        switch self {
        case let .face(attributes): return AttributeClassifier.labels(of: attributes).map { $0 ? 1 : 0 }
        case let .fashion(attributes): return [attributes.label]
        }
    }

    /// The value index of every judged attribute, in `kind.judgedAttributes` order (tone: dark 0,
    /// light 1; size: small 0, large 1).
    public var judgedValues: [Int] {
        switch self {
        case .face: return classifierValues
        case let .fashion(attributes):
            return [attributes.label, attributes.tone == .dark ? 0 : 1, attributes.size == .small ? 0 : 1]
        }
    }
}
