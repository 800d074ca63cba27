import Checkpoint
import NN
import Optim
import Tensor
import TestSupport
import Testing

/// Optimisers over parameter groups replay PyTorch's `param_groups` trajectories on fixed
/// gradients (`scripts/fixtures/optim.py`): a group's learning rate is its scale × the optimiser's,
/// its weight decay replaces the optimiser's; max |Δ| ≤ 1e-6 after every step.
@Suite struct ParameterGroupParityTests {
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("optim", "optim.safetensors")) }

    func replay(_ name: String, _ makeOptimizer: (Parameter, Parameter) -> Optimizer) throws {
        let file = try Self.fixture.get()
        let a = Parameter(try file.tensor(named: "\(name).initial.a")), b = Parameter(try file.tensor(named: "\(name).initial.b"))
        let optimizer = makeOptimizer(a, b)
        #expect(optimizer.parameters.count == 2)
        for step in 0..<5 {
            a.setGradient(try file.tensor(named: "\(name).gradient\(step).a"))
            b.setGradient(try file.tensor(named: "\(name).gradient\(step).b"))
            optimizer.step()
            #expect(a.value.maxAbsoluteDifference(try file.tensor(named: "\(name).after\(step).a")) <= 1e-6, "\(name) a, step \(step)")
            #expect(b.value.maxAbsoluteDifference(try file.tensor(named: "\(name).after\(step).b")) <= 1e-6, "\(name) b, step \(step)")
        }
    }

    @Test func adamWithAGroupRateAndDecay() throws {
        try replay("adam_groups") { a, b in
            Adam(groups: [OptimizationGroup(parameters: [a]), OptimizationGroup(parameters: [b], learningRateScale: 0.1, weightDecay: 0.1)],
                 learningRate: 0.01)
        }
    }

    @Test func adamWWithoutDecayForOneGroup() throws {
        try replay("adamw_groups") { a, b in
            Adam.adamW(groups: [OptimizationGroup(parameters: [a], weightDecay: 0), OptimizationGroup(parameters: [b], learningRateScale: 0.25)],
                       learningRate: 0.02, weightDecay: 0.05)
        }
    }

    @Test func sgdWithMomentumPerGroup() throws {
        try replay("sgd_groups") { a, b in
            SGD(groups: [OptimizationGroup(parameters: [a], learningRateScale: 0.5), OptimizationGroup(parameters: [b], weightDecay: 0.01)],
                learningRate: 0.1, momentum: 0.9)
        }
    }

    /// One group of everything is the plain optimiser, bit for bit.
    @Test func oneGroupEqualsThePlainOptimizer() {
        var generator = SeededGenerator(seed: 3)
        let initial = Tensor.randomNormal([4, 3], generator: &generator)
        let plain = Parameter(initial), grouped = Parameter(initial)
        let first = Adam.adamW(parameters: [plain], learningRate: 0.01, weightDecay: 0.1)
        let second = Adam.adamW(groups: [OptimizationGroup(parameters: [grouped])], learningRate: 0.01, weightDecay: 0.1)
        for _ in 0..<3 {
            let gradient = Tensor.randomNormal([4, 3], generator: &generator)
            plain.setGradient(gradient)
            grouped.setGradient(gradient)
            first.step()
            second.step()
        }
        #expect(plain.value.scalars == grouped.value.scalars)
    }
}
