import NN
import Tensor

extension BERTConfiguration {
    /// The shape of the BERT encoder whose tensors are `shapes` under `prefix` (e.g.
    /// `transformer.` in a Multilingual-CLIP file, whose `config.json` describes only the
    /// projection): vocabulary, width, positions and token types from the embedding tables,
    /// layers from `encoder.layer.<n>`, the feed-forward width from `intermediate.dense`.
    /// The shapes do not tell the head count: heads = width / `headWidth` (64 in every BERT,
    /// RoBERTa and XLM-R release).
    public static func inferred(fromShapes shapes: [String: [Int]], prefix: String, headWidth: Int = 64,
                                hiddenActivation: Activation = .gelu, layerNormEpsilon: Float = 1e-5, paddingTokenID: Int = 1,
                                positionNumbering: PositionNumbering = .afterPadding, source: String) throws -> BERTConfiguration {
        func shape(_ name: String, rank: Int) throws -> [Int] {
            guard let shape = shapes[prefix + name], shape.count == rank else {
                throw ModelError.cannotInferConfiguration(source: source, reason: "it has no \(rank)-d tensor \(prefix + name)")
            }
            return shape
        }
        let words = try shape("embeddings.word_embeddings.weight", rank: 2)
        let width = words[1]
        guard headWidth > 0, width % headWidth == 0 else {
            throw ModelError.cannotInferConfiguration(source: source, reason: "width \(width) is not a multiple of the head width \(headWidth)")
        }
        let layerPrefix = prefix + "encoder.layer."
        let layers = Set(shapes.keys.compactMap { name -> Int? in
            guard name.hasPrefix(layerPrefix) else { return nil }
            return Int(name.dropFirst(layerPrefix.count).prefix { $0 != "." })
        })
        guard !layers.isEmpty, layers == Set(0..<layers.count) else {
            throw ModelError.cannotInferConfiguration(source: source, reason: "its layers \(layers.sorted()) are not numbered 0…n−1")
        }
        return BERTConfiguration(
            vocabularySize: words[0], hiddenSize: width, layers: layers.count, attentionHeads: width / headWidth,
            intermediateSize: try shape("encoder.layer.0.intermediate.dense.weight", rank: 2)[0], hiddenActivation: hiddenActivation,
            layerNormEpsilon: layerNormEpsilon, maximumPositions: try shape("embeddings.position_embeddings.weight", rank: 2)[0],
            tokenTypes: try shape("embeddings.token_type_embeddings.weight", rank: 2)[0], paddingTokenID: paddingTokenID,
            positionNumbering: positionNumbering)
    }
}
