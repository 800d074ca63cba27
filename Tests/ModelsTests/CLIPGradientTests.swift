import Autograd
import Foundation
import Models
import NN
import Tensor
import Testing

/// The differentiable path (`imageFeatures`, `textFeatures`, `l2NormalizedRows`) carries gradients
/// to every trainable parameter, as contrastive fine-tuning needs.
@Suite struct CLIPGradientTests {
    /// Σ w ⊙ exp(s)·normalize(f(images))·normalize(g(texts))ᵀ on the fixture inputs.
    func weightedLogits(_ model: CLIP, _ reference: CLIPFixtures.Reference) -> Variable {
        let images = model.imageFeatures(Variable(reference.images)).l2NormalizedRows()  // [images, d]
        let texts = model.textFeatures(reference.tokenIDs).l2NormalizedRows()  // [texts, d]
        let logits = Variable.matmul(images, texts, transposeB: true) * model.logitScale.variable.exp()  // [images, texts]
        let count = logits.shape[0] * logits.shape[1]
        let weights = Tensor(shape: logits.shape, scalars: (0..<count).map { Float($0 % 3) - 0.7 })
        return (logits * Variable(weights)).sum()
    }

    @Test(arguments: ["vit_quickgelu", "resnet_gelu"])
    func everyTrainableParameterReceivesAGradient(_ name: String) throws {
        let configuration = try CLIPConfiguration(openCLIPJSON: try CLIPFixtures.openCLIPConfiguration(name))
        let model = try CLIP.load(contentsOf: CLIPFixtures.url("\(name).safetensors"), configuration: configuration)
        let reference = try CLIPFixtures.reference(name)
        let loss = weightedLogits(model, reference)
        loss.backward()
        for (parameterName, parameter) in model.namedParameters where parameter.isTrainable {
            let gradient = try #require(parameter.gradient, "\(parameterName) has no gradient")
            #expect(gradient.shape == parameter.value.shape, "\(parameterName)")
            #expect(gradient.scalars.allSatisfy { $0.isFinite }, "\(parameterName)")
        }
        // ∂/∂s Σ w ⊙ exp(s)·C = the loss itself.
        #expect(abs(model.logitScale.gradient!.item - loss.value.item) <= 1e-4 * max(1, abs(loss.value.item)))

        // One projection weight against a central difference.
        let projection = model.textTower.projection!
        let analytic = projection.gradient!.scalars[5]
        let step: Float = 1e-2, original = projection.value
        func perturbedLoss(_ offset: Float) -> Float {
            var values = original.scalars
            values[5] += offset
            projection.value = Tensor(shape: original.shape, scalars: values)
            return GradientMode.withoutGradients { weightedLogits(model, reference).value.item }
        }
        let numeric = (perturbedLoss(step) - perturbedLoss(-step)) / (2 * step)
        projection.value = original
        #expect(abs(numeric - analytic) <= 1e-2 * max(1, abs(analytic)), "numeric \(numeric), analytic \(analytic)")
    }
}
