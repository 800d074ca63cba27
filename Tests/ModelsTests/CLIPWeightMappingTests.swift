import Checkpoint
import Foundation
import Models
import NN
import Tensor
import Testing

/// The rule lists of `CLIPWeightMapping`, the merge and transpose rules, and strict loading.
@Suite struct CLIPWeightMappingTests {
    static let huggingFaceNames: [(checkpoint: String, model: String)] = [
        ("vision_model.embeddings.patch_embedding.weight", "visual.conv1.weight"),
        ("vision_model.embeddings.class_embedding", "visual.class_embedding"),
        ("vision_model.embeddings.position_embedding.weight", "visual.positional_embedding"),
        ("vision_model.pre_layrnorm.bias", "visual.ln_pre.bias"),
        ("vision_model.encoder.layers.11.self_attn.in_proj_weight", "visual.transformer.resblocks.11.attn.in_proj_weight"),
        ("vision_model.encoder.layers.3.self_attn.out_proj.bias", "visual.transformer.resblocks.3.attn.out_proj.bias"),
        ("vision_model.encoder.layers.0.layer_norm1.weight", "visual.transformer.resblocks.0.ln_1.weight"),
        ("vision_model.encoder.layers.0.layer_norm2.bias", "visual.transformer.resblocks.0.ln_2.bias"),
        ("vision_model.encoder.layers.0.mlp.fc1.weight", "visual.transformer.resblocks.0.mlp.c_fc.weight"),
        ("vision_model.encoder.layers.0.mlp.fc2.bias", "visual.transformer.resblocks.0.mlp.c_proj.bias"),
        ("vision_model.post_layernorm.weight", "visual.ln_post.weight"),
        ("visual_projection.weight", "visual.proj"),
        ("text_model.embeddings.token_embedding.weight", "token_embedding.weight"),
        ("text_model.embeddings.position_embedding.weight", "positional_embedding"),
        ("text_model.encoder.layers.5.self_attn.in_proj_bias", "transformer.resblocks.5.attn.in_proj_bias"),
        ("text_model.encoder.layers.10.mlp.fc1.bias", "transformer.resblocks.10.mlp.c_fc.bias"),
        ("text_model.final_layer_norm.weight", "ln_final.weight"),
        ("text_projection.weight", "text_projection"),
        ("logit_scale", "logit_scale"),
    ]

    @Test func huggingFaceNamesBecomeOpenAINames() throws {
        for (checkpoint, model) in Self.huggingFaceNames {
            #expect(try CLIPWeightMapping.huggingFace.modelName(for: checkpoint) == model, "\(checkpoint)")
        }
    }

    @Test func openCLIPTrainingPrefixesAreStripped() throws {
        let mapping = CLIPWeightMapping.openCLIP
        #expect(try mapping.modelName(for: "state_dict.module.visual.conv1.weight") == "visual.conv1.weight")
        #expect(try mapping.modelName(for: "module.logit_scale") == "logit_scale")
        #expect(try mapping.modelName(for: "visual.attnpool.q_proj.weight") == "visual.attnpool.q_proj.weight")
        #expect(try mapping.modelName(for: "transformer.resblocks.0.attn.in_proj_weight") == "transformer.resblocks.0.attn.in_proj_weight")
    }

    @Test func mergeStacksQueryKeyValueInOrder() throws {
        let rule = CLIPWeightMapping.huggingFace.merges[0]
        let tensors = [
            "a.self_attn.v_proj.weight": Tensor(shape: [1, 2], scalars: [5, 6]),
            "a.self_attn.q_proj.weight": Tensor(shape: [1, 2], scalars: [1, 2]),
            "a.self_attn.k_proj.weight": Tensor(shape: [1, 2], scalars: [3, 4]),
            "a.self_attn.k_proj.bias": Tensor(shape: [1], scalars: [8]),
            "a.self_attn.q_proj.bias": Tensor(shape: [1], scalars: [7]),
            "a.self_attn.v_proj.bias": Tensor(shape: [1], scalars: [9]),
            "a.self_attn.out_proj.weight": Tensor(shape: [1, 1], scalars: [0]),
        ]
        let merged = try rule.apply(to: tensors, source: "test")
        #expect(Set(merged.keys) == ["a.self_attn.in_proj_weight", "a.self_attn.in_proj_bias", "a.self_attn.out_proj.weight"])
        #expect(merged["a.self_attn.in_proj_weight"]?.shape == [3, 2])
        #expect(merged["a.self_attn.in_proj_weight"]?.scalars == [1, 2, 3, 4, 5, 6])
        #expect(merged["a.self_attn.in_proj_bias"]?.scalars == [7, 8, 9])
    }

    @Test func mergeNamesMissingAndMismatchedParts() throws {
        let rule = CLIPWeightMapping.huggingFace.merges[0]
        let incomplete = ["b.self_attn.q_proj.weight": Tensor(zeros: [2, 2]), "b.self_attn.k_proj.weight": Tensor(zeros: [2, 2])]
        #expect(throws: WeightMappingError.incompleteMerge(
            source: "f", result: "b.self_attn.in_proj_weight",
            present: ["b.self_attn.k_proj.weight", "b.self_attn.q_proj.weight"], missingParts: ["v"])) {
            try rule.apply(to: incomplete, source: "f")
        }
        let mismatched = ["c.self_attn.q_proj.weight": Tensor(zeros: [2, 2]), "c.self_attn.k_proj.weight": Tensor(zeros: [2, 3]),
                          "c.self_attn.v_proj.weight": Tensor(zeros: [2, 2])]
        #expect(throws: WeightMappingError.self) { try rule.apply(to: mismatched, source: "f") }
    }

    @Test func transposeRefusesNonMatrices() throws {
        #expect(throws: WeightMappingError.notAMatrix(source: "f", tensor: "text_projection.weight", shape: [4])) {
            try CLIPWeightMapping.huggingFace.adapted(["text_projection.weight": Tensor(zeros: [4])], source: "f")
        }
        let adapted = try CLIPWeightMapping.huggingFace.adapted(
            ["text_projection.weight": Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])], source: "f")
        #expect(adapted["text_projection.weight"]?.shape == [3, 2])
        #expect(adapted["text_projection.weight"]?.scalars == [1, 4, 2, 5, 3, 6])
    }

    func fixtureModel() throws -> (model: CLIP, tensors: [String: Tensor]) {
        let configuration = try CLIPConfiguration(openCLIPJSON: try CLIPFixtures.openCLIPConfiguration("vit_quickgelu"))
        let tensors = try CheckpointFormat.loadTensors(contentsOf: CLIPFixtures.url("vit_quickgelu.safetensors"))
        return (CLIP(configuration), tensors)
    }

    @Test func loadingNamesMissingUnusedAndWrongShapeTensorsAndLeavesTheModelUntouched() throws {
        let (model, original) = try fixtureModel()
        var tensors = original
        tensors["visual.proj"] = nil
        tensors["visual.extra_token"] = Tensor(zeros: [3])
        tensors["ln_final.weight"] = Tensor(zeros: [7])
        #expect(throws: WeightLoadingError.mismatch(
            source: "broken.safetensors", missing: ["ln_final.weight", "visual.proj"], unused: ["visual.extra_token"],
            wrongShape: ["ln_final.weight: checkpoint [7], model [32]"])) {
            try model.loadWeights(tensors, mapping: CLIPWeightMapping.openCLIP, source: "broken.safetensors")
        }
        #expect(model.textTower.finalNorm.weight.value.scalars.allSatisfy { $0 == 1 })
        #expect(model.logitScale.value.item == 0)
    }

    @Test func openAIAndTrainingExtrasLoad() throws {
        let (model, tensors) = try fixtureModel()
        var wrapped = Dictionary(uniqueKeysWithValues: tensors.map { ("state_dict.module.\($0.key)", $0.value) })
        wrapped["input_resolution"] = Tensor(scalar: 32)
        wrapped["context_length"] = Tensor(scalar: 16)
        wrapped["vocab_size"] = Tensor(scalar: 512)
        wrapped["state_dict.module.attn_mask"] = Tensor.causalMask(size: 16)
        wrapped["state_dict.module.transformer.resblocks.1.attn_mask"] = Tensor.causalMask(size: 16)
        try model.loadWeights(wrapped, mapping: CLIPWeightMapping.openCLIP, source: "wrapped")
        #expect(model.logitScale.value.item == tensors["logit_scale"]!.item)
    }

    @Test func huggingFaceLegacyPositionIDsAreIgnoredButNothingElse() throws {
        let directory = CLIPFixtures.url("hf_clip")
        let configuration = try HuggingFaceCLIPConfiguration(contentsOf: directory.appendingPathComponent("config.json")).clipConfiguration()
        var tensors = try SafetensorsFile(contentsOf: directory.appendingPathComponent("model.safetensors")).allTensors()
        tensors["text_model.embeddings.position_ids"] = Tensor(zeros: [1, 16])
        tensors["vision_model.embeddings.position_ids"] = Tensor(zeros: [1, 17])
        try CLIP(configuration).loadWeights(tensors, mapping: CLIPWeightMapping.huggingFace, source: "hf")
        tensors["vision_model.encoder.layers.1.self_attn.v_proj.bias"] = nil
        #expect(throws: WeightMappingError.self) {
            try CLIP(configuration).loadWeights(tensors, mapping: CLIPWeightMapping.huggingFace, source: "hf")
        }
    }

    @Test func missingHuggingFaceFilesAreNamed() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: ModelError.missingFile(directory: empty.path, expected: ["config.json"])) {
            try CLIP.loadHuggingFace(directory: empty)
        }
    }

    @Test func everyParameterIsNamedOnce() throws {
        for configuration in [try CLIPConfiguration(openCLIPJSON: try CLIPFixtures.openCLIPConfiguration("vit_quickgelu")),
                              try CLIPConfiguration(openCLIPJSON: try CLIPFixtures.openCLIPConfiguration("resnet_gelu"))] {
            let names = CLIP(configuration).namedParameters.map(\.name)
            #expect(Set(names).count == names.count)
        }
    }
}
