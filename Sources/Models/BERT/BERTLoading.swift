import Checkpoint
import Foundation
import NN
import Tensor

extension BERTModel {
    /// A Hugging Face BERT or RoBERTa model folder saved by `save_pretrained`: `config.json` and
    /// `model.safetensors` (or `pytorch_model.bin`). Half-precision weights are widened to Float32.
    ///
    /// - Parameter includesPooler: nil builds the pooler when the checkpoint has one; true
    ///   requires it; false leaves the checkpoint's pooler unused.
    /// - Throws: `ModelError` for a missing or bad file, `WeightLoadingError` naming every
    ///   missing, unused or wrong-shape tensor.
    public static func load(directory: URL, includesPooler: Bool? = nil,
                            maskFill: AttentionMaskFill = .negativeInfinity) throws -> BERTModel {
        let configuration = try BERTConfiguration(contentsOf: directory.appendingPathComponent("config.json"))
        let weights = try weightFile(in: directory)
        return try load(weights: CheckpointFormat.loadTensors(contentsOf: weights), configuration: configuration,
                        includesPooler: includesPooler, maskFill: maskFill, source: weights.lastPathComponent)
    }

    /// A model of `configuration` holding `tensors` (Hugging Face names, see `BERTWeightMapping`).
    public static func load(weights tensors: [String: Tensor], configuration: BERTConfiguration,
                            includesPooler: Bool? = nil, maskFill: AttentionMaskFill = .negativeInfinity,
                            source: String) throws -> BERTModel {
        let checkpointHasPooler = tensors.keys.contains { $0.hasSuffix("pooler.dense.weight") }
        let withPooler = includesPooler ?? checkpointHasPooler
        let model = BERTModel(configuration, includesPooler: withPooler, maskFill: maskFill)
        try model.loadWeights(tensors, mapping: withPooler ? BERTWeightMapping.huggingFace : BERTWeightMapping.huggingFaceWithoutPooler,
                              source: source)
        return model
    }

    /// The weight file of a Hugging Face model folder.
    static func weightFile(in directory: URL) throws -> URL {
        let candidates = ["model.safetensors", "pytorch_model.bin"]
        for name in candidates {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw ModelError.missingFile(directory: directory.path, expected: candidates)
    }
}
