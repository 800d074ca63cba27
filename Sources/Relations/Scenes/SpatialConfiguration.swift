/// Where a scene's subject stands relative to its object, seen from the camera: the eight
/// configurations of SA-CLIP's CLEVR-style scenes (Li et al. 2025, §3.1 and Fig. 4).
public enum SpatialConfiguration: String, Codable, Sendable, CaseIterable {
    case front, behind, left, right
    case frontLeft = "front-left", frontRight = "front-right", behindLeft = "behind-left", behindRight = "behind-right"

    /// The unit ground direction (x to the right, z towards the camera) from object to subject.
    public var direction: (x: Double, z: Double) {
        let diagonal = 0.5.squareRoot()
        switch self {
        case .front: return (0, 1)
        case .behind: return (0, -1)
        case .left: return (-1, 0)
        case .right: return (1, 0)
        case .frontLeft: return (-diagonal, diagonal)
        case .frontRight: return (diagonal, diagonal)
        case .behindLeft: return (-diagonal, -diagonal)
        case .behindRight: return (diagonal, -diagonal)
        }
    }

    /// The configuration seen from the object: the subject's opposite direction.
    public var opposite: SpatialConfiguration {
        switch self {
        case .front: .behind
        case .behind: .front
        case .left: .right
        case .right: .left
        case .frontLeft: .behindRight
        case .frontRight: .behindLeft
        case .behindLeft: .frontRight
        case .behindRight: .frontLeft
        }
    }

    /// The axial configurations a scene of this configuration also stands in: a front-left subject
    /// is in front of its object and to its left, so "in front of" and "to the left of" are true of
    /// it too (`[self]` for the four axial configurations).
    public var axes: [SpatialConfiguration] {
        switch self {
        case .front, .behind, .left, .right: [self]
        case .frontLeft: [.front, .left]
        case .frontRight: [.front, .right]
        case .behindLeft: [.behind, .left]
        case .behindRight: [.behind, .right]
        }
    }

    /// The relation phrases a caption may use ("The cube is *to the left of* the sphere.").
    /// `OppositeRelations.english` turns each into a phrase of `opposite`.
    public var phrases: [String] {
        switch self {
        case .front: ["in front of", "on the near side of"]
        case .behind: ["behind", "on the far side of"]
        case .left: ["to the left of", "left of", "on the left side of"]
        case .right: ["to the right of", "right of", "on the right side of"]
        case .frontLeft: ["to the front left of", "at the front left of"]
        case .frontRight: ["to the front right of", "at the front right of"]
        case .behindLeft: ["to the back left of", "at the back left of"]
        case .behindRight: ["to the back right of", "at the back right of"]
        }
    }

    /// The configuration a relation phrase names, if any.
    public init?(phrase: String) {
        let normalized = phrase.lowercased()
        guard let match = Self.allCases.first(where: { $0.phrases.contains(normalized) }) else { return nil }
        self = match
    }
}
