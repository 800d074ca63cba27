import ArgumentParser
import CLIPKit
import Foundation
import Relations

/// `clipkit export scenes`: generated relation scenes as PNG files and VSR-format JSON lines.
struct ExportScenesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenes",
        abstract: "Render CLEVR-style spatial scenes or traffic scenes with captions, boxes and false captions.",
        discussion: """
            Writes OUT/scene-NNNNN.png and OUT/scenes.jsonl in the Visual Spatial Reasoning format with boxes: per \
            scene its true caption (label 1) and its relation-flipped caption (label 0), each with "image", \
            "caption", "label", "relation", "subj", "obj", "subj_box", "obj_box" ([x, y, width, height] in pixels) \
            and "group" (the spatial configuration, or normal/anomalous for traffic). `clipkit eval vsr` reads it.
            Spatial scenes: two objects (cube, sphere, cylinder; 8 colours; 2 sizes) in one of eight configurations \
            (front, behind, left, right and the diagonals); the held_out split shows shape–colour combinations the \
            train split never does. Traffic scenes: a road seen from above with cars, pedestrians, cyclists and \
            obstacles, normal or with one anomaly.
            Example: clipkit export scenes --out scenes-test --count 200 --split held_out
            """)

    @Option(help: "Folder to write into (created if missing).", completion: .directory)
    var out: String

    @Option(help: "spatial (CLEVR-style) or traffic.")
    var kind = SceneGeneration.Kind.spatial.rawValue

    @Option(help: "Number of scenes.")
    var count = 100

    @Option(help: "train or held_out.")
    var split = SpatialScenes.Split.train.rawValue

    @Option(help: "Seed of the split of shape–colour combinations and of the scenes.")
    var seed: UInt64 = 0

    @Option(help: "Image width and height in pixels.")
    var imageSize = 128

    @Option(help: "Fraction of shape–colour combinations kept out of the train split (spatial).")
    var heldOutFraction = 0.25

    func validate() throws {
        guard SceneGeneration.Kind(rawValue: kind) != nil else { throw ValidationError("--kind must be spatial or traffic") }
        guard SpatialScenes.Split(rawValue: split) != nil else { throw ValidationError("--split must be train or held_out") }
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard imageSize >= 32 else { throw ValidationError("--image-size must be at least 32") }
        guard (0..<1).contains(heldOutFraction) else { throw ValidationError("--held-out-fraction must lie in [0, 1)") }
    }

    func run() throws {
        let start = Date()
        let bar = ProgressBar(label: "scenes", total: count)
        let manifest = try SceneGeneration.export(kind: SceneGeneration.Kind(rawValue: kind)!, count: count,
                                                  split: SpatialScenes.Split(rawValue: split)!, seed: seed, imageSize: imageSize,
                                                  heldOutFraction: heldOutFraction, to: URL(fileURLWithPath: out, isDirectory: true),
                                                  progress: { done, _ in if done < count { bar.update(done) } })
        bar.finish(count)
        print(String(format: "wrote %d %@ scenes (%@) and %@ in %.1f s", count, kind, split, manifest.path, Date().timeIntervalSince(start)))
    }
}
