import Autograd
import Checkpoint
import NN
import Optim
import Relations
import Tensor
import TestSupport
import Testing
import Training

/// SA-CLIP's heads, losses and an AdamW step against PyTorch (`scripts/fixtures/sa_clip.py`,
/// float64 reference): outputs, each loss term, every gradient and the stepped weights.
@Suite struct RelationHeadsParityTests {
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("sa_clip", "sa_clip.safetensors")) }

    func tensor(_ name: String) throws -> Tensor { try Self.fixture.get().tensor(named: name) }

    func expectClose(_ actual: Tensor, _ name: String, tolerance: Float = 2e-5, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try tensor(name)
        #expect(actual.shape == expected.shape || actual.count == expected.count, "\(name) shape", sourceLocation: sourceLocation)
        let scale = max(1, expected.abs().max())
        #expect(actual.reshaped(expected.shape).maxAbsoluteDifference(expected) <= tolerance * scale, "\(name)", sourceLocation: sourceLocation)
    }

    /// The heads with the fixture's weights.
    func heads() throws -> (RelationHeads, Parameter) {
        var generator = SeededGenerator(seed: 0)
        let heads = RelationHeads(imageWidth: 9, textWidth: 12, tokenWidth: 10, embeddingWidth: 8, relationWidth: 5,
                                  usesRelationFeatures: true, generator: &generator)
        let file = try Self.fixture.get()
        var weights: [String: Tensor] = [:]
        for name in file.names where name.hasPrefix("w.") && name != "w.logit_scale" {
            weights[String(name.dropFirst(2))] = try file.tensor(named: name)
        }
        try heads.loadWeights(weights, mapping: WeightMapping(), source: "sa_clip.safetensors")
        return (heads, Parameter(Tensor(scalar: try tensor("w.logit_scale").scalars[0])))
    }

    func ranges(_ name: String) throws -> [[Range<Int>]] {
        let values = try tensor(name).scalars.map { Int($0) }
        return stride(from: 0, to: values.count, by: 6).map { row in
            (0..<3).map { values[row + 2 * $0]..<values[row + 2 * $0 + 1] }
        }
    }

    @Test func headsLossesGradientsAndAdamWStepMatchPyTorch() throws {
        let (heads, logScale) = try heads()
        var inputs: [String: Variable] = [:]
        for name in ["pooled", "states", "negative_pooled", "negative_states", "global", "subject", "object"] {
            inputs[name] = Variable(try tensor("in.\(name)"), requiresGradient: true)
        }
        let u = heads.text(pooled: inputs["pooled"]!, tokenStates: inputs["states"]!,
                           pooling: TriplePooling.matrix(tokenRanges: try ranges("in.ranges"), length: 7))
        let negative = heads.text(pooled: inputs["negative_pooled"]!, tokenStates: inputs["negative_states"]!,
                                  pooling: TriplePooling.matrix(tokenRanges: try ranges("in.negative_ranges"), length: 7))
        let v = heads.image(global: inputs["global"]!, subject: inputs["subject"]!, object: inputs["object"]!,
                            subjectCorners: try tensor("in.subject_corners"), objectCorners: try tensor("in.object_corners"))
        try expectClose(u.value, "out.u")
        try expectClose(negative.value, "out.u_negative")
        try expectClose(v.value, "out.v")

        let objective = RelationTaskConfiguration.Objective(textWeight: 1, imageWeight: 0.5, tripletWeight: 2, contrastiveWeight: 0.25,
                                                            temperature: 0.1, margin: 0.2)
        let (loss, terms) = RelationObjective.loss(texts: u, images: v, negativeTexts: negative,
                                                   negativeRows: try tensor("in.negative_rows").scalars.map { Int($0) },
                                                   keys: try tensor("in.keys").scalars.map { Int($0) }, logScale: logScale.variable,
                                                   objective: objective)
        for (term, name) in [("loss_text", "text"), ("loss_image", "image"), ("loss_triplet", "triplet"), ("loss_contrastive", "contrastive")] {
            let expected = try tensor("loss.\(name)").scalars[0]
            #expect(abs(Float(terms[term] ?? .nan) - expected) <= 2e-5 * max(1, abs(expected)), "\(term)")
        }
        try expectClose(loss.value, "loss.total")
        loss.backward()
        for (name, variable) in inputs { try expectClose(try #require(variable.gradient), "grad.in.\(name)", tolerance: 5e-5) }
        var parameters: [String: Parameter] = Dictionary(uniqueKeysWithValues: heads.namedParameters.map { ($0.name, $0.parameter) })
        parameters["logit_scale"] = logScale
        #expect(parameters.count == 11)
        for (name, parameter) in parameters {
            try expectClose(try #require(parameter.gradient, "\(name) has a gradient"), "grad.w.\(name)", tolerance: 5e-5)
        }
        let optimizer = Adam.adamW(parameters: Array(parameters.values), learningRate: 5e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
                                   weightDecay: 0.01)
        optimizer.step()
        for (name, parameter) in parameters { try expectClose(parameter.value, "step.\(name)", tolerance: 1e-6) }
    }

    @Test func boxEmbeddingMatchesLXMERTsLayers() throws {
        let (heads, _) = try heads()
        let embedding = try #require(heads.boxEmbedding)
        let corners = Variable(try tensor("box.corners"), requiresGradient: true)
        let output = embedding(corners)
        try expectClose(output.value, "box.output")
        (output * Variable(try tensor("box.seed"))).sum().backward()
        try expectClose(try #require(corners.gradient), "box.grad.corners", tolerance: 5e-5)
    }

    @Test func interSampleLossMatchesSupervisedContrastive() throws {
        let embeddings = Variable(try tensor("inter.embeddings"), requiresGradient: true)
        let loss = Losses.interSampleContrastive(embeddings: embeddings, keys: try tensor("inter.keys").scalars.map { Int($0) },
                                                 temperature: 0.5)
        try expectClose(loss.value, "inter.loss")
        loss.backward()
        try expectClose(try #require(embeddings.gradient), "inter.grad.embeddings", tolerance: 5e-5)
        // No positives anywhere: zero loss, zero gradient.
        let lonely = Variable(try tensor("inter.embeddings"), requiresGradient: true)
        let zero = Losses.interSampleContrastive(embeddings: lonely, keys: Array(0..<7), temperature: 0.5)
        #expect(zero.value.item == 0)
    }
}
