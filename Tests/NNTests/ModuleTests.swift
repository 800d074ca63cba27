import Autograd
import NN
import Tensor
import Testing

/// A model exercising every registration form of `@Key`.
private struct Block: Module {
    @Key("norm") var norm: LayerNorm
    @Key("bn") var batchNorm: BatchNorm2d
    init() {
        norm = LayerNorm(width: 2)
        batchNorm = BatchNorm2d(channels: 2)
    }
}

private struct Registrations: Module {
    let width = 2
    @Key("scale") var scale: Parameter
    @Key("bias") var bias: Parameter?
    @Key("proj") var projection: Linear
    @Key("blocks") var blocks: [Block]
    @Key("layer", numberedFrom: 1) var stages: [[Linear]]
    @Key("") var inner: Linear
    @Key("head") var head: Linear?
    @Key("any") var existential: any Module
    init() {
        scale = Parameter(Tensor(zeros: [1]))
        bias = nil
        projection = Linear(inFeatures: 2, outFeatures: 2, bias: false)
        blocks = [Block(), Block()]
        stages = [[Linear(inFeatures: 2, outFeatures: 2, bias: false)], [Linear(inFeatures: 2, outFeatures: 2, bias: false)]]
        inner = Linear(inFeatures: 2, outFeatures: 2)
        head = nil
        existential = Embedding(vocabulary: 3, width: 2)
    }
}

private struct Unregistered: Module {
    @Key("weight") var weight: Parameter
    let forgotten: Linear
    init() {
        forgotten = Linear(inFeatures: 1, outFeatures: 1)
        weight = Parameter(Tensor(zeros: [1]))
    }
}

private struct NeverAssigned: Module {
    @Key("weight") var weight: Parameter
}

@Suite struct ModuleTests {
    @Test func keysNameEveryRegistrationForm() {
        let names = Registrations().namedParameters.map(\.name)
        #expect(names == [
            "scale", "proj.weight",
            "blocks.0.norm.weight", "blocks.0.norm.bias",
            "blocks.0.bn.weight", "blocks.0.bn.bias", "blocks.0.bn.running_mean", "blocks.0.bn.running_var", "blocks.0.bn.num_batches_tracked",
            "blocks.1.norm.weight", "blocks.1.norm.bias",
            "blocks.1.bn.weight", "blocks.1.bn.bias", "blocks.1.bn.running_mean", "blocks.1.bn.running_var", "blocks.1.bn.num_batches_tracked",
            "layer1.0.weight", "layer2.0.weight",
            "weight", "bias",
            "any.weight",
        ])
        let modules = Registrations().namedModules.map(\.path)
        #expect(modules == ["", "proj", "blocks.0", "blocks.0.norm", "blocks.0.bn", "blocks.1", "blocks.1.norm", "blocks.1.bn",
                            "layer1.0", "layer2.0", "", "any"])
    }

    @Test func aParameterWithoutKeyIsAProgrammingError() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Unregistered().namedParameters
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Unregistered.forgotten holds a Parameter or Module without @Key"), "\(message)")
    }

    @Test func aKeyNeverAssignedTrapsWithItsName() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = NeverAssigned().namedParameters
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("@Key(\"weight\") was never assigned"), "\(message)")
    }

    @Test func freezingFollowsModulePathsAndKeepsBuffersFrozen() {
        let model = Registrations()
        model.freeze(paths: ["blocks.0", "layer1"])
        let frozen = Set(model.namedParameters.filter { !$0.parameter.isTrainable }.map(\.name))
        #expect(frozen == ["blocks.0.norm.weight", "blocks.0.norm.bias", "blocks.0.bn.weight", "blocks.0.bn.bias",
                           "blocks.0.bn.running_mean", "blocks.0.bn.running_var", "blocks.0.bn.num_batches_tracked",
                           "blocks.1.bn.running_mean", "blocks.1.bn.running_var", "blocks.1.bn.num_batches_tracked",
                           "layer1.0.weight"])
        // A prefix matches whole path components only: "block" is not "blocks".
        model.unfreeze(paths: [""])
        let stillFrozen = model.namedParameters.filter { !$0.parameter.isTrainable }.map(\.name)
        #expect(stillFrozen.allSatisfy { $0.hasSuffix("running_mean") || $0.hasSuffix("running_var") || $0.hasSuffix("num_batches_tracked") })
        #expect(stillFrozen.count == 6)
        #expect(model.trainableParameters.count == model.namedParameters.count - 6)
    }

    @Test func aFreezePathMustNameParameters() async {
        await #expect(processExitsWith: .failure) {
            Registrations().freeze(paths: ["block"])
        }
    }

    @Test func setModeReachesEveryModeDependentLayerAndWithModeRestoresIt() {
        let model = Registrations()
        #expect(model.modeDependentLayers.map(\.path) == ["blocks.0.bn", "blocks.1.bn"])
        #expect(model.blocks.allSatisfy { $0.batchNorm.modeState.mode == .inference })
        model.setMode(.training)
        #expect(model.blocks.allSatisfy { $0.batchNorm.modeState.mode == .training })
        model.blocks[1].setMode(.inference)
        let seen = model.withMode(.inference) { model.blocks.map(\.batchNorm.modeState.mode) }
        #expect(seen == [.inference, .inference])
        #expect(model.blocks.map(\.batchNorm.modeState.mode) == [.training, .inference])
    }

    @Test func frozenAndTapelessReadsAreFreshConstants() {
        let parameter = Parameter(Tensor(shape: [2], scalars: [1, 2]))
        let shared = parameter.variable
        #expect(shared === parameter.variable && shared.requiresGradient)
        let constant = GradientMode.withoutGradients { parameter.variable }
        #expect(constant !== shared && !constant.requiresGradient)
        parameter.isTrainable = false
        #expect(!parameter.variable.requiresGradient && parameter.variable !== parameter.variable)
    }
}
