import Datasets
import Foundation
import Imaging
import Training

/// The examples an `sa_clip` configuration trains and validates on.
public struct RelationData: Sendable {
    public var train: [RelationExample]
    /// Held-out relation examples (spatial scenes or a validation file).
    public var validation: [RelationExample]
    /// Held-out traffic frames for anomaly scoring.
    public var trafficValidation: [TrafficScenes.Scene]
    /// The traffic generator of those frames.
    public var traffic: TrafficScenes
    /// Indices of `train` that are traffic frames (empty unless generated).
    public var trafficTraining: Range<Int> = 0..<0

    /// Generated scenes (seeded), VSR JSON-lines files with boxes, or COCO captions grounded in
    /// COCO instances, as configured.
    public static func load(_ data: RelationTaskConfiguration.Data, seed: UInt64) throws -> RelationData {
        let traffic = TrafficScenes(imageSize: max(data.imageSize, 64), seed: seed, cyclistLaneCar: data.cyclistLaneCar ?? false)
        if data.source != .scenes, !(data.heldOutConfigurations ?? []).isEmpty {
            throw RelationError.invalidConfiguration("sa_clip.data.held_out_configurations applies to generated scenes only")
        }
        if data.source != .scenes, (data.singleAxisCaptions ?? 0) > 0 {
            throw RelationError.invalidConfiguration("sa_clip.data.single_axis_captions applies to generated scenes only")
        }
        let trafficValidation = traffic.scenes(data.trafficValidationCount, split: .heldOut, seed: seed &+ 4)
        switch data.source {
        case .scenes:
            let heldOutConfigurations = try SpatialScenes.heldOutConfigurations(named: data.heldOutConfigurations ?? [])
            let spatial = SpatialScenes(imageSize: data.imageSize, heldOutFraction: data.heldOutFraction,
                                        heldOutConfigurations: heldOutConfigurations, seed: seed)
            let trainScenes = spatial.withSingleAxisCaptions(spatial.scenes(data.spatialCount, split: .train, seed: seed &+ 1),
                                                             fraction: data.singleAxisCaptions ?? 0, seed: seed &+ 1)
            var train = try spatial.examples(trainScenes)
            let spatialCount = train.count
            if data.trafficCount > 0 { train += try traffic.examples(traffic.scenes(data.trafficCount, split: .train, seed: seed &+ 3)) }
            let validation = data.validationCount > 0 ? try spatial.examples(spatial.scenes(data.validationCount, split: .heldOut, seed: seed &+ 2)) : []
            return RelationData(train: train, validation: validation, trafficValidation: trafficValidation, traffic: traffic,
                                trafficTraining: spatialCount..<train.count)
        case .vsrJSONL:
            guard let path = data.path else { throw RelationError.invalidConfiguration("sa_clip.data.source vsr_jsonl needs a path") }
            let miner = try RelationMiner.installed()
            let root = data.imageRoot.map { URL(fileURLWithPath: $0, isDirectory: true) }
            let train = try examples(fromVSR: URL(fileURLWithPath: path), imageRoot: root, miner: miner).filter(\.label)
            let validation = try data.validationPath.map { try examples(fromVSR: URL(fileURLWithPath: $0), imageRoot: root, miner: miner) } ?? []
            return RelationData(train: train, validation: validation.filter(\.label), trafficValidation: trafficValidation, traffic: traffic)
        case .coco:
            guard let path = data.path, let instances = data.instancesPath, let root = data.imageRoot else {
                throw RelationError.invalidConfiguration("sa_clip.data.source coco needs path, instances_path and image_root")
            }
            let miner = try RelationMiner.installed()
            let folder = URL(fileURLWithPath: root, isDirectory: true)
            let train = try COCORelations.examples(captions: URL(fileURLWithPath: path), instances: URL(fileURLWithPath: instances),
                                                   imageRoot: folder, miner: miner)
            var validation: [RelationExample] = []
            if let validationPath = data.validationPath {
                guard let validationInstances = data.validationInstancesPath else {
                    throw RelationError.invalidConfiguration("sa_clip.data.validation_path needs validation_instances_path for coco")
                }
                validation = try COCORelations.examples(captions: URL(fileURLWithPath: validationPath),
                                                        instances: URL(fileURLWithPath: validationInstances), imageRoot: folder, miner: miner)
            }
            return RelationData(train: train, validation: validation, trafficValidation: trafficValidation, traffic: traffic)
        }
    }

    /// The lines of a VSR JSON-lines file as relation examples: the caption's triple mined with
    /// link grammar (lines without one are skipped), its opposite-relation negative, the boxes
    /// from `subj_box`/`obj_box` (the whole image when absent), images under `imageRoot` (default:
    /// the file's folder).
    public static func examples(fromVSR url: URL, imageRoot: URL?, miner: RelationMiner) throws -> [RelationExample] {
        let lines = try VisualSpatialReasoning(contentsOf: url).examples
        let folder = imageRoot ?? url.deletingLastPathComponent()
        let triples = miner.triples(in: lines.map(\.caption))
        var result: [RelationExample] = []
        for (line, triple) in zip(lines, triples) {
            guard let triple else { continue }
            let path = folder.appendingPathComponent(line.image).path
            var subjectBox = line.subjectBox.map(PixelBox.init), objectBox = line.objectBox.map(PixelBox.init)
            if subjectBox == nil || objectBox == nil {
                let size = try ImageDecoder().decode(contentsOf: URL(fileURLWithPath: path))
                let whole = PixelBox.whole(width: size.width, height: size.height)
                subjectBox = subjectBox ?? whole
                objectBox = objectBox ?? whole
            }
            result.append(RelationExample(image: .file(path), caption: line.caption, triple: triple,
                                          negative: try NegativeCaption(of: line.caption, triple: triple), subjectBox: subjectBox!,
                                          objectBox: objectBox!, label: line.label, group: line.group ?? line.relation))
        }
        return result
    }
}
