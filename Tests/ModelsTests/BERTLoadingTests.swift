import Checkpoint
import Foundation
import Models
import NN
import Tensor
import Testing

/// Configuration reading, key rules and strict loading of BERT checkpoints.
@Suite struct BERTLoadingTests {
    @Test func configurationReadsTheInstalledMiniLMConfig() throws {
        let folder = try BERTFixtures.miniLMFolder()
        let configuration = try BERTConfiguration(contentsOf: folder.appendingPathComponent("config.json"))
        #expect(configuration == .allMiniLML6V2)
        #expect(configuration.headSize == 32)
        #expect(configuration.layerNormEpsilon == 1e-12)
    }

    @Test func configurationRejectsWhatItCannotRun() throws {
        let base = #""vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "intermediate_size": 16"#
        let decode = { (extra: String) in
            try JSONDecoder().decode(BERTConfiguration.self, from: Data("{\(base), \(extra)}".utf8))
        }
        #expect(throws: DecodingError.self) { try decode(#""num_attention_heads": 3"#) }
        #expect(throws: DecodingError.self) { try decode(#""num_attention_heads": 2, "hidden_act": "mish""#) }
        #expect(throws: DecodingError.self) {
            try decode(#""num_attention_heads": 2, "position_embedding_type": "relative_key""#)
        }
        #expect(throws: DecodingError.self) { try decode(#""num_attention_heads": 2, "model_type": "distilbert""#) }
        let tanh = try decode(#""num_attention_heads": 2, "hidden_act": "gelu_pytorch_tanh", "model_type": "xlm-roberta""#)
        #expect(tanh.hiddenActivation == .geluTanh)
        #expect(tanh.positionNumbering == .afterPadding)
        let roundTrip = try JSONDecoder().decode(BERTConfiguration.self, from: JSONEncoder().encode(tanh))
        #expect(roundTrip == tanh)
    }

    /// The rule list as data: upstream name → model name (nil: deliberately unused).
    @Test(arguments: [
        ("embeddings.word_embeddings.weight", "embeddings.word_embeddings.weight"),
        ("bert.encoder.layer.3.attention.self.query.weight", "encoder.layer.3.attention.self.query.weight"),
        ("roberta.embeddings.LayerNorm.bias", "embeddings.LayerNorm.bias"),
        ("bert.encoder.layer.0.output.LayerNorm.gamma", "encoder.layer.0.output.LayerNorm.weight"),
        ("bert.embeddings.LayerNorm.beta", "embeddings.LayerNorm.bias"),
        ("pooler.dense.bias", "pooler.dense.bias"),
    ])
    func huggingFaceRulesRenameUpstreamKeys(upstream: String, expected: String) throws {
        #expect(try KeyRule.apply(BERTWeightMapping.huggingFaceRules, to: upstream) == expected)
    }

    @Test(arguments: [
        "embeddings.position_ids", "bert.embeddings.position_ids", "roberta.embeddings.token_type_ids",
        "cls.predictions.bias", "cls.seq_relationship.weight", "lm_head.dense.weight", "classifier.weight",
        "qa_outputs.bias",
    ])
    func huggingFaceMappingIgnoresBuffersAndHeads(name: String) throws {
        let patterns = try BERTWeightMapping.huggingFaceIgnoredNames.map { try NSRegularExpression(pattern: $0) }
        #expect(patterns.contains { $0.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil })
    }

    @Test func taskModelPrefixesLoad() throws {
        let folder = BERTFixtures.url("bert", "tiny_bert")
        let tensors = try SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors")).allTensors()
        var prefixed = Dictionary(uniqueKeysWithValues: tensors.map { ("bert.\($0.key)", $0.value) })
        prefixed["cls.predictions.bias"] = Tensor(zeros: [99])
        prefixed["bert.embeddings.position_ids"] = Tensor(zeros: [1, 40])
        let configuration = try BERTConfiguration(contentsOf: folder.appendingPathComponent("config.json"))
        let model = try BERTModel.load(weights: prefixed, configuration: configuration, source: "prefixed")
        #expect(model.embeddings.wordEmbeddings.weight.value.scalars == tensors["embeddings.word_embeddings.weight"]!.scalars)
        let withoutPooler = try BERTModel.load(weights: prefixed, configuration: configuration, includesPooler: false,
                                               source: "prefixed")
        #expect(withoutPooler.pooler == nil)
    }

    @Test func loadingFailsLoudlyNamingTensors() throws {
        let folder = BERTFixtures.url("bert", "tiny_bert")
        let configuration = try BERTConfiguration(contentsOf: folder.appendingPathComponent("config.json"))
        var tensors = try SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors")).allTensors()
        tensors["encoder.layer.1.attention.self.key.bias"] = nil
        tensors["encoder.layer.0.intermediate.dense.weight"] = Tensor(zeros: [36, 32])
        tensors["encoder.layer.2.output.dense.weight"] = Tensor(zeros: [32, 37])
        do {
            _ = try BERTModel.load(weights: tensors, configuration: configuration, source: "broken.safetensors")
            Issue.record("loading a broken checkpoint succeeded")
        } catch let error as WeightLoadingError {
            let message = error.description
            #expect(message.contains("broken.safetensors"))
            #expect(message.contains("encoder.layer.1.attention.self.key.bias"))
            #expect(message.contains("encoder.layer.0.intermediate.dense.weight: checkpoint [36, 32], model [37, 32]"))
            #expect(message.contains("encoder.layer.2.output.dense.weight"))
        }
        // A pooler the caller requires but the checkpoint lacks.
        tensors = try SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors")).allTensors()
        tensors = tensors.filter { !$0.key.hasPrefix("pooler.") }
        #expect(throws: WeightLoadingError.self) {
            try BERTModel.load(weights: tensors, configuration: configuration, includesPooler: true, source: "no pooler")
        }
    }

    @Test func missingFilesAreNamed() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect {
            try BERTModel.load(directory: empty)
        } throws: { error in
            guard case let .unreadableFile(path, _)? = error as? ModelError else { return false }
            return path == empty.appendingPathComponent("config.json").path
        }
        try FileManager.default.copyItem(at: BERTFixtures.url("bert", "tiny_bert/config.json"),
                                         to: empty.appendingPathComponent("config.json"))
        #expect(throws: ModelError.missingFile(directory: empty.path, expected: ["model.safetensors", "pytorch_model.bin"])) {
            try BERTModel.load(directory: empty)
        }
    }
}
