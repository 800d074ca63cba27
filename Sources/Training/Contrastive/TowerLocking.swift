/// Which parts of a two-tower model stay frozen during contrastive training.
///
/// - Lock the image tower: LiT, "locked image, unlocked text" tuning (Zhai et al. 2022); the
///   tower runs in inference mode and records no tape.
/// - Lock the text tower: the mirror case.
/// - Projections only: both towers locked; only the projections and the logit scale learn
///   (a linear probe of the joint space).
public struct TowerLocking: Codable, Sendable, Equatable {
    /// Freeze the image tower. Default false.
    public var imageTower: Bool
    /// Freeze the text tower. Default false.
    public var textTower: Bool
    /// Freeze both towers and train only the projections and the logit scale. Default false.
    public var projectionsOnly: Bool

    public init(imageTower: Bool = false, textTower: Bool = false, projectionsOnly: Bool = false) {
        self.imageTower = imageTower
        self.textTower = textTower
        self.projectionsOnly = projectionsOnly
    }

    enum CodingKeys: String, CodingKey {
        case imageTower = "image_tower", textTower = "text_tower", projectionsOnly = "projections_only"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        imageTower = try container.decodeIfPresent(Bool.self, forKey: .imageTower) ?? false
        textTower = try container.decodeIfPresent(Bool.self, forKey: .textTower) ?? false
        projectionsOnly = try container.decodeIfPresent(Bool.self, forKey: .projectionsOnly) ?? false
    }

    /// LiT: the image tower locked.
    public static let lockedImage = TowerLocking(imageTower: true)

    public var locksImageTower: Bool { imageTower || projectionsOnly }
    public var locksTextTower: Bool { textTower || projectionsOnly }
}
