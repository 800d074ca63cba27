import Foundation
import Relations

/// Generated relation data for `clipkit export scenes` and training: CLEVR-style spatial scenes
/// (`SpatialScenes`) and traffic scenes (`TrafficScenes`), rendered and written as images plus a
/// Visual Spatial Reasoning JSON-lines file with boxes (`SceneExport`).
public enum SceneGeneration {
    /// Which generator.
    public enum Kind: String, CaseIterable, Sendable { case spatial, traffic }

    /// Writes `count` scenes of `split` drawn from `seed` into `directory`; returns the manifest.
    @discardableResult
    public static func export(kind: Kind, count: Int, split: SpatialScenes.Split, seed: UInt64, imageSize: Int,
                              heldOutFraction: Double, to directory: URL, progress: ((Int, Int) -> Void)? = nil) throws -> URL {
        let examples: [RelationExample]
        switch kind {
        case .spatial:
            let generator = SpatialScenes(imageSize: imageSize, heldOutFraction: heldOutFraction, seed: seed)
            examples = try generator.examples(generator.scenes(count, split: split, seed: seed &+ (split == .train ? 1 : 2)))
        case .traffic:
            let generator = TrafficScenes(imageSize: imageSize, seed: seed)
            examples = try generator.examples(generator.scenes(count, split: split, seed: seed &+ (split == .train ? 1 : 2)))
        }
        return try SceneExport.write(examples, to: directory, progress: progress)
    }
}
