import Checkpoint
import Foundation
import Models
import Tensor
import Training

/// Image-side features of a run's generated data, kept in the computed cache
/// (`$CLIPKIT_HOME/cache/sa_clip-features/<key>.safetensors`) so runs over the same scenes with
/// the same locked tower (SA-CLIP, its baseline, ablations) encode images and regions once. The
/// key covers everything the features depend on: the data section (less `single_axis_captions`,
/// which changes captions only), the seed, the model
/// reference, the input size, the region margin and, with unlocked image blocks, where the tower
/// is split (the rows are then prefix feature maps). Only generated data (`scenes`) is cached;
/// files may change under the same names.
public struct RelationFeatureCache: Sendable {
    public let directory: URL

    public init(directory: URL = InstalledFiles.computedCache.appendingPathComponent("sa_clip-features", isDirectory: true)) {
        self.directory = directory
    }

    /// The cache key of a configuration's features for one split ("train", "validation"), or
    /// nil when its data are not generated.
    public static func key(_ configuration: TrainingConfiguration, split: String) throws -> String? {
        let task = configuration.saCLIP
        guard task.data.source == .scenes else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var hasher = SHA256()
        // Captions-only options leave the images, and so the features, as they are.
        var imageData = task.data
        imageData.singleAxisCaptions = nil
        hasher.update(Array(try encoder.encode(imageData)))
        hasher.update(Array("\(configuration.seed)|\(task.model)|\(task.inputSize ?? 0)|\(task.regionMargin)|\(split)|v1".utf8))
        if task.unlockedImageBlocks > 0 { hasher.update(Array("|prefix before the last \(task.unlockedImageBlocks) blocks".utf8)) }
        return String(hasher.hexDigest().prefix(24))
    }

    /// The cached features of `key`, if present and `count` rows long.
    public func load(_ key: String, count: Int) -> RelationImageFeatures? {
        guard let file = try? SafetensorsFile(contentsOf: directory.appendingPathComponent("\(key).safetensors")),
              let global = try? file.tensor(named: "global"), global.shape.first == count,
              let subject = try? file.tensor(named: "subject"), let object = try? file.tensor(named: "object"),
              let subjectCorners = try? file.tensor(named: "subject_corners"), let objectCorners = try? file.tensor(named: "object_corners")
        else { return nil }
        let mapShape = (try? file.tensor(named: "map_shape")).map { $0.scalars.map { Int($0) } }
        return RelationImageFeatures(global: global, subject: subject, object: object, subjectCorners: subjectCorners, objectCorners: objectCorners,
                                     mapShape: mapShape)
    }

    /// Stores features under `key` (written to a temporary name, then moved into place).
    public func store(_ features: RelationImageFeatures, key: String) throws {
        var tensors = ["global": features.global, "subject": features.subject, "object": features.object,
                       "subject_corners": features.subjectCorners, "object_corners": features.objectCorners]
        if let mapShape = features.mapShape { tensors["map_shape"] = Tensor(shape: [mapShape.count], scalars: mapShape.map(Float.init)) }
        try write(tensors, name: key)
    }

    /// `features` with the negative statements' own object regions cached beside `key` (a file of
    /// their own, so the main features stay valid without them), if present and as long.
    public func loadNegativeObjects(_ key: String, into features: RelationImageFeatures) -> RelationImageFeatures? {
        guard let file = try? SafetensorsFile(contentsOf: directory.appendingPathComponent("\(key)-negative-objects.safetensors")),
              let rows = try? file.tensor(named: "negative_object"), rows.shape == features.object.shape,
              let corners = try? file.tensor(named: "negative_object_corners"), corners.shape == features.objectCorners.shape
        else { return nil }
        var result = features
        result.negativeObject = rows
        result.negativeObjectCorners = corners
        return result
    }

    /// Stores the negative statements' own object regions of `features` beside `key`.
    public func storeNegativeObjects(_ features: RelationImageFeatures, key: String) throws {
        guard let rows = features.negativeObject, let corners = features.negativeObjectCorners else { return }
        try write(["negative_object": rows, "negative_object_corners": corners], name: "\(key)-negative-objects")
    }

    private func write(_ tensors: [String: Tensor], name: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent("\(name).\(ProcessInfo.processInfo.processIdentifier).tmp")
        try SafetensorsFile.write(tensors, to: temporary)
        let destination = directory.appendingPathComponent("\(name).safetensors")
        try? FileManager.default.removeItem(at: destination)
        try FileManager.default.moveItem(at: temporary, to: destination)
    }
}
