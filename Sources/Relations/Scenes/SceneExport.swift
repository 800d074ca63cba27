import Foundation
import Imaging

/// Writes relation examples as image files plus a JSON-lines file in the Visual Spatial
/// Reasoning format (Liu, Emerson & Collier 2023) with boxes: for every example, its true
/// caption (`label` 1) and, when it has one, its relation-flipped caption (`label` 0), each
/// `{"image", "caption", "label", "relation", "subj", "obj", "subj_box", "obj_box", "group"}`,
/// boxes as COCO's `[x, y, width, height]` in pixels. `VisualSpatialReasoning` reads it back.
public enum SceneExport {
    struct Line: Encodable {
        var image: String
        var caption: String
        var label: Int
        var relation: String
        var subj: String
        var obj: String
        var subj_box: [Double]
        var obj_box: [Double]
        var group: String?
    }

    /// Writes `scene-<index>.png` files and `manifest` (default `scenes.jsonl`) into `directory`;
    /// returns the manifest's URL. `progress(done, total)` after each image.
    @discardableResult
    public static func write(_ examples: [RelationExample], to directory: URL, manifest: String = "scenes.jsonl",
                             progress: ((Int, Int) -> Void)? = nil) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var text = ""
        for (index, example) in examples.enumerated() {
            let name = String(format: "scene-%05d.png", index)
            try PNGEncoder.encode(try example.decodedImage()).write(to: directory.appendingPathComponent(name))
            var lines = [Line(image: name, caption: example.caption, label: example.label ? 1 : 0, relation: example.triple.relation.text,
                              subj: example.triple.subject.text, obj: example.triple.object.text, subj_box: example.subjectBox.cocoBox,
                              obj_box: example.objectBox.cocoBox, group: example.group)]
            if let negative = example.negative {
                // A role swap names the other object first, so the boxes follow the phrases.
                let swapped = negative.triple.subject.text != example.triple.subject.text
                lines.append(Line(image: name, caption: negative.caption, label: example.label ? 0 : 1, relation: negative.triple.relation.text,
                                  subj: negative.triple.subject.text, obj: negative.triple.object.text,
                                  subj_box: (swapped ? example.objectBox : example.subjectBox).cocoBox,
                                  obj_box: (swapped ? example.subjectBox : example.objectBox).cocoBox, group: example.group))
            }
            for line in lines { text += String(decoding: try encoder.encode(line), as: UTF8.self) + "\n" }
            progress?(index + 1, examples.count)
        }
        let url = directory.appendingPathComponent(manifest)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
