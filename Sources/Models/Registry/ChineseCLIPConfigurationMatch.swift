import Foundation

/// Finds the pair of cn_clip config files (`model_configs/<vision>.json` ×
/// `model_configs/<text>.json`) that describes a checkpoint, by comparing the widths, depths,
/// patch size, resolution, vocabulary and embedding width each pair implies with the tensor
/// shapes. Exactly one pair must match.
struct ChineseCLIPConfigurationMatch {
    let vision: ChineseCLIPVisionConfiguration
    let text: ChineseCLIPTextConfiguration
    let names: (vision: String, text: String)

    /// `checkpointShapes`: tensor name (with or without cn_clip's `state_dict.`/`module.`
    /// prefixes) → shape.
    static func find(shapes checkpointShapes: [String: [Int]], in directory: URL, source: String) throws -> ChineseCLIPConfigurationMatch {
        var shapes: [String: [Int]] = [:]
        for (name, shape) in checkpointShapes {
            shapes[name.replacingOccurrences(of: #"^(state_dict\.)?(module\.)?"#, with: "", options: .regularExpression)] = shape
        }
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        let configurations = files.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
        guard !configurations.isEmpty else {
            throw ModelError.invalidOption("no cn_clip model configs in \(directory.path): run `bash scripts/setup.sh` to install cn_clip")
        }
        let visions = configurations.compactMap { url in (try? ChineseCLIPVisionConfiguration(contentsOf: url)).map { (url, $0) } }
        var matches: [ChineseCLIPConfigurationMatch] = []
        for (visionURL, vision) in visions where matchesVision(vision, shapes) {
            for textURL in configurations where !visions.contains(where: { $0.0 == textURL }) {
                guard let text = try? ChineseCLIPTextConfiguration(visionConfiguration: visionURL, textConfiguration: textURL),
                      matchesText(text, shapes) else { continue }
                matches.append(ChineseCLIPConfigurationMatch(
                    vision: vision, text: text,
                    names: (visionURL.deletingPathExtension().lastPathComponent, textURL.deletingPathExtension().lastPathComponent)))
            }
        }
        guard matches.count == 1 else {
            let found = matches.map { "\($0.names.vision) + \($0.names.text)" }
            throw ModelError.invalidOption(
                matches.isEmpty
                    ? "\(source) is a Chinese-CLIP checkpoint, but no pair of cn_clip configs in \(directory.path) fits its tensor shapes (only the ViT image towers are supported)"
                    : "\(source) fits several cn_clip config pairs (\(found.joined(separator: ", "))); cannot tell which")
        }
        return matches[0]
    }

    static func count(_ prefix: String, _ shapes: [String: [Int]]) -> Int {
        Set(shapes.keys.compactMap { name -> Int? in
            guard name.hasPrefix(prefix) else { return nil }
            return Int(name.dropFirst(prefix.count).prefix { $0 != "." })
        }).count
    }

    static func matchesVision(_ vision: ChineseCLIPVisionConfiguration, _ shapes: [String: [Int]]) -> Bool {
        guard vision.patchSize > 0 else { return false }
        let grid = vision.imageResolution / vision.patchSize
        return shapes["visual.conv1.weight"] == [vision.width, 3, vision.patchSize, vision.patchSize]
            && shapes["visual.positional_embedding"] == [grid * grid + 1, vision.width]
            && shapes["visual.proj"] == [vision.width, vision.embedDimension]
            && count("visual.transformer.resblocks.", shapes) == vision.layers
    }

    static func matchesText(_ text: ChineseCLIPTextConfiguration, _ shapes: [String: [Int]]) -> Bool {
        shapes["bert.embeddings.word_embeddings.weight"] == [text.vocabularySize, text.hiddenSize]
            && shapes["bert.embeddings.position_embeddings.weight"] == [text.maximumPositions, text.hiddenSize]
            && shapes["bert.encoder.layer.0.intermediate.dense.weight"] == [text.intermediateSize, text.hiddenSize]
            && shapes["text_projection"] == [text.hiddenSize, text.embedDimension]
            && count("bert.encoder.layer.", shapes) == text.layers
    }
}
